using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Ingestion;
using EdgeAgent.Hub.Store;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Hub.Cli;

/// <summary><c>edgehub records</c>: a device's stored chain, with each record placed in time.</summary>
internal static class RecordsCommand
{
    private static readonly string[] Formats = ["json", "text"];

    public static Command Build()
    {
        var device = new Option<string>("--device") { Description = "The device whose records to show.", Required = true };
        var from = new Option<long>("--from") { Description = "First seq to show (default 1).", DefaultValueFactory = _ => 1 };
        var format = new Option<string>("--format") { Description = "json (one object a line) or text.", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong(Formats);
        var db = CommonOptions.Database();
        var pg = CommonOptions.Store();
        var command = new Command(
            "records",
            "Show a device's verified records in seq order: seq, type, boot, mono_ms, time (status synced|anchored|bounded|unknown " +
            "with est/lo/hi in Unix ms) and data. Dropped telemetry (tombstones) is shown as dropped.");
        command.Options.Add(device);
        command.Options.Add(from);
        command.Options.Add(format);
        command.Options.Add(db);
        command.Options.Add(pg);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var d = parse.GetValue(device)!;
            if (!RecordCodec.IsValidId(d))
            {
                error.WriteLine($"error: --device '{d}' must be 1-64 of A-Z a-z 0-9 . _ -");
                return ExitCodes.BadInput;
            }

            try
            {
                using var store = IngestionStores.OpenChain(parse.GetValue(pg), parse.GetValue(db)!);
                var spans = store.BootSpans(d);
                var anchors = new TimeAnchors(store.Anchors(d).Select(a =>
                    spans.TryGetValue(a.Boot, out var s) ? new BootAnchor(a.Boot, a.OffsetMs, a.ErrMs, s.MinMono, s.MaxMono) : new BootAnchor(a.Boot, a.OffsetMs, a.ErrMs, 0, 0)));
                var text = parse.GetValue(format) == "text";
                foreach (var row in store.Records(d, parse.GetValue(from)))
                {
                    output.WriteLine(text ? Text(row, anchors) : Json(row, anchors));
                }

                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is SqliteException or Npgsql.NpgsqlException or ArgumentException or InvalidOperationException)
            {
                error.WriteLine($"error: --db {parse.GetValue(db)}: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static string Json(RecordRow row, TimeAnchors anchors)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("seq", row.Seq);
            if (row.Payload is null)
            {
                json.WriteString("type", "dropped");
                json.WriteString("hash", row.Hash);
                json.WriteEndObject();
            }
            else
            {
                json.WriteString("type", row.Type);
                json.WriteNumber("boot", row.Boot);
                json.WriteNumber("mono_ms", row.MonoMs);
                var t = anchors.Place(row.Boot, row.MonoMs, row.WallMs, row.TimeSource, row.ReceivedAtMs);
                json.WriteStartObject("time");
                json.WriteString("status", t.Status);
                WriteOptional(json, "est", t.EstMs);
                WriteOptional(json, "lo", t.LoMs);
                WriteOptional(json, "hi", t.HiMs);
                json.WriteEndObject();
                json.WritePropertyName("data");
                if (RecordCodec.TryDecode(row.Payload, out var record, out _))
                {
                    record!.Data.WriteTo(json);
                }
                else
                {
                    json.WriteNullValue();
                }

                json.WriteEndObject();
            }
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Text(RecordRow row, TimeAnchors anchors)
    {
        if (row.Payload is null)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{row.Seq,8}  dropped");
        }

        var t = anchors.Place(row.Boot, row.MonoMs, row.WallMs, row.TimeSource, row.ReceivedAtMs);
        var when = t.EstMs is { } est ? $"{DateTimeOffset.FromUnixTimeMilliseconds(est):u} ({t.Status}, [{t.LoMs}, {t.HiMs}])" : t.Status;
        return string.Create(CultureInfo.InvariantCulture, $"{row.Seq,8}  {row.Type,-24} boot {row.Boot} mono {row.MonoMs} ms  {when}");
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
    }
}
