namespace EdgeAgent.Hardware.Gnss;

/// <summary>Whether a <see cref="GnssReceiver"/> still reads its stream.</summary>
public enum GnssHealth
{
    /// <summary>The read loop is reading sentences (a fix may still be missing or stale: see <see cref="GnssReceiver.TryRead"/>).</summary>
    Reading,

    /// <summary>The stream ended (the serial port was closed, the USB receiver unplugged): no fix will come. <see cref="GnssReceiver.Fault"/> says so.</summary>
    Ended,

    /// <summary>Reading the stream threw (an I/O error on the UART): no fix will come. <see cref="GnssReceiver.Fault"/> holds the cause.</summary>
    Faulted,

    /// <summary>The receiver was disposed.</summary>
    Stopped,
}
