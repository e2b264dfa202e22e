using EdgeAgent.Hub.Ingestion;
using EdgeAgent.Hub.Store;

namespace EdgeAgent.Hub.Web.Api;

/// <summary>The <see cref="TimeAnchors"/> of one device, from its verified clock.sync anchors and the mono span of each boot.</summary>
internal static class DeviceTimes
{
    public static TimeAnchors For(HubStore store, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(store);
        var spans = store.BootSpans(deviceId);
        return new TimeAnchors(store.Anchors(deviceId).Select(a =>
            spans.TryGetValue(a.Boot, out var s) ? new BootAnchor(a.Boot, a.OffsetMs, a.ErrMs, s.MinMono, s.MaxMono) : new BootAnchor(a.Boot, a.OffsetMs, a.ErrMs, 0, 0)));
    }

    /// <summary>Caches one device's anchors while a query walks records of many devices.</summary>
    public sealed class Cache(HubStore store)
    {
        private readonly Dictionary<string, TimeAnchors> _anchors = new(StringComparer.Ordinal);

        public AnchoredTime Place(string deviceId, long boot, long monoMs, long? wallMs, string timeSource, long receivedAtMs)
        {
            if (!_anchors.TryGetValue(deviceId, out var anchors))
            {
                anchors = For(store, deviceId);
                _anchors[deviceId] = anchors;
            }

            return anchors.Place(boot, monoMs, wallMs, timeSource, receivedAtMs);
        }
    }
}
