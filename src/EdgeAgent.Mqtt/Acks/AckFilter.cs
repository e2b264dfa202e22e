using EdgeAgent.Contracts.Records;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Mqtt.Acks;

/// <summary>Reads acknowledgements off the ack topic and ignores malformed ones and other devices' (counted, each kind logged once).</summary>
internal sealed class AckFilter(string deviceId, ILogger logger)
{
    private bool _malformedLogged;
    private bool _foreignLogged;

    public long Ignored { get; private set; }

    public BatchAck? Accept(ReadOnlySpan<byte> payload)
    {
        if (!BatchAck.TryRead(payload, out var ack, out var problem))
        {
            Ignore(problem!, ref _malformedLogged, () => Log.MalformedAck(logger, problem!));
            return null;
        }

        if (!string.Equals(ack!.DeviceId, deviceId, StringComparison.Ordinal))
        {
            Ignore($"acknowledgement for device {ack.DeviceId}", ref _foreignLogged, () => Log.ForeignAck(logger, ack.DeviceId));
            return null;
        }

        return ack;
    }

    private void Ignore(string problem, ref bool logged, Action logFirst)
    {
        Ignored++;
        if (logged)
        {
            Log.AckIgnoredAgain(logger, Ignored, problem);
            return;
        }

        logged = true;
        logFirst();
    }
}
