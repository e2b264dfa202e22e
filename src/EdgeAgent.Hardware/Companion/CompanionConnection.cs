using System.IO.Ports;
using EdgeAgent.Core.Usage;
using EdgeAgent.Hardware.Profiles;
using EdgeAgent.Hardware.Simulation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Hardware.Companion;

/// <summary>
/// The companion link of the board the agent runs on, opened from the board profile's <c>companion</c> port: the tty
/// as a serial port on a real board, or on the simulated board the simulated companion (the real firmware) over OS
/// pipes, stepped on the agent's clock (<see cref="Simulated"/>). Like <see cref="Monitoring.SensorRig"/> for the buses,
/// this is the only place that opens the companion's port. Disposing closes the port first, so the link's blocked
/// read ends, then the link.
/// </summary>
public sealed class CompanionConnection : IAsyncDisposable
{
    private readonly SerialPort? _port;
    private readonly SimulatedCompanionRunner? _simulated;
    private int _disposed;

    private CompanionConnection(CompanionLink link, string port, int baud, SerialPort? serial, SimulatedCompanionRunner? simulated)
    {
        Link = link;
        Port = port;
        Baud = baud;
        _port = serial;
        _simulated = simulated;
    }

    public CompanionLink Link { get; }

    /// <summary>The board profile's port (<c>/dev/ttyAMA2</c>, <c>sim:companion</c>).</summary>
    public string Port { get; }

    public int Baud { get; }

    /// <summary>On the simulated board, the running simulated companion (tests and the demo press its buttons); else null.</summary>
    public SimulatedCompanionRunner? Simulated => _simulated;

    /// <param name="usage">Where the companion's standby seconds are credited; null to only count them (doctor, the consent wait).</param>
    /// <exception cref="ArgumentException">The board has no companion port.</exception>
    /// <exception cref="IOException">The port cannot be opened (the message names it and what to check).</exception>
    public static CompanionConnection Open(BoardProfile board, TimeProvider time, UsageAccountant? usage, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(time);
        var companion = board.Companion ?? throw new ArgumentException($"board {board.Id} ({board.SourceFile}) has no companion port", nameof(board));
        var logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger<CompanionLink>();
        if (board.Simulated)
        {
            var simulated = SimulatedCompanionRunner.Start(time);
            return new CompanionConnection(new CompanionLink(simulated.BoardStream, time, usage, logger), companion.Port, companion.Baud, null, simulated);
        }

        SerialPort port;
        try
        {
            port = CompanionPort.Open(companion.Port, companion.Baud);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            throw new IOException($"cannot open the companion's UART {companion.Port} at {companion.Baud} baud: {e.Message} (is the UART enabled, and is the agent's user in the dialout group?)", e);
        }

        try
        {
            return new CompanionConnection(new CompanionLink(port.BaseStream, time, usage, logger), companion.Port, companion.Baud, port, null);
        }
        catch
        {
            port.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _port?.Dispose();
        _simulated?.CloseStreams();
        await Link.DisposeAsync().ConfigureAwait(false);
        if (_simulated is not null)
        {
            await _simulated.DisposeAsync().ConfigureAwait(false);
        }
    }
}
