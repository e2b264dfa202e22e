using System.Text.Json;

namespace EdgeAgent.Device.Runtime;

/// <summary>Builds a record's <c>data</c> object with a writer, so each event's fields are written in one place.</summary>
internal static class RecordData
{
    public static JsonElement Of(Action<Utf8JsonWriter> fields)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            fields(json);
            json.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }
}
