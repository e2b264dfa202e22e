using System.Text.Json;
using EdgeAgent.Contracts.Releases;

namespace EdgeAgent.Core.Updates;

/// <summary>
/// The data of a <c>model.update</c> record, one per transition. The hub counts these to run campaigns, so the field
/// names are a contract: <c>campaign</c>, <c>name</c>, <c>version</c>, <c>state</c> (the state entered, as
/// <see cref="UpdateStates"/> spells it), <c>from</c> (the state left); on a failure or rollback <c>reason</c>
/// (<see cref="UpdateFailures"/> or <see cref="ReleaseRefusals"/>), <c>detail</c> and <c>rolled_back</c>; when entering
/// committed or failed after a probation window its figures <c>calls</c>, <c>error_rate</c>, <c>p95_ms</c>,
/// <c>baseline_p95_ms</c>, <c>drift</c> (null when they could not be measured); and <c>boots</c>, the starts counted
/// inside activation/probation.
/// </summary>
public static class UpdateRecords
{
    public static JsonElement Of(ModelDirective directive, UpdateStep step, int boots)
    {
        ArgumentNullException.ThrowIfNull(directive);
        ArgumentNullException.ThrowIfNull(step);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var j = new Utf8JsonWriter(buffer))
        {
            j.WriteStartObject();
            j.WriteString("campaign", directive.Campaign);
            j.WriteString("name", directive.Name);
            j.WriteString("version", directive.Version);
            j.WriteString("state", UpdateStateMachine.Name(step.To));
            j.WriteString("from", UpdateStateMachine.Name(step.From));
            if (step.Reason is { } reason)
            {
                j.WriteString("reason", reason);
                j.WriteString("detail", step.Detail ?? "");
                j.WriteBoolean("rolled_back", step.RolledBack);
            }

            if (step.To is UpdateState.Committed or UpdateState.Failed && step.Figures is { } f)
            {
                j.WriteNumber("calls", f.Calls);
                j.WriteNumber("error_rate", f.ErrorRate);
                Number(j, "p95_ms", f.P95Ms);
                Number(j, "baseline_p95_ms", f.BaselineP95Ms);
                Number(j, "drift", f.Drift);
            }

            j.WriteNumber("boots", boots);
            j.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void Number(Utf8JsonWriter j, string name, double? value)
    {
        if (value is { } v)
        {
            j.WriteNumber(name, v);
        }
        else
        {
            j.WriteNull(name);
        }
    }
}
