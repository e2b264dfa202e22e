using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hub.Identity;

/// <summary>
/// Watches the revocations table (<c>edgehub devices revoke</c> writes it from another process) and drops the live
/// session of a device as soon as it is revoked; new certificates reach the broker's view the same way.
/// </summary>
internal sealed class RevocationWatcher(BrokerAccess access, TimeProvider time, ILogger<RevocationWatcher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
                foreach (var device in access.Refresh())
                {
                    await access.DropAsync(device).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException)
            {
                Log.RevocationPollFailed(logger, (long)Interval.TotalMilliseconds, e);
            }
        }
    }
}
