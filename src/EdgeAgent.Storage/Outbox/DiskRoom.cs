namespace EdgeAgent.Storage.Outbox;

/// <summary>Size and free space (for an unprivileged process) of a filesystem, in bytes.</summary>
internal readonly record struct DiskSpace(long Total, long Available);

/// <summary>
/// The outbox's share of its filesystem, so a disk smaller than the configured budgets limits the outbox before SQLite
/// finds it full (issue 4: telemetry is dropped or refused first, evidence keeps room). Two reserves come off the free
/// space: the write-ahead log's (it grows up to its checkpoint size, and by a whole transaction past it, before it is
/// reused) and one for evidence (telemetry may not use it, so evidence can still be written after telemetry stopped).
/// Dropping a telemetry record gives little disk back (its row shrinks to a tombstone of about 250 bytes inside a page
/// that new rows, with higher seqs, never reuse), so below the reserve new telemetry is refused, not only old telemetry
/// dropped; disk comes back when acknowledged rows are deleted and their pages are reused.
/// Both are fractions of the filesystem's size, so a small disk gets small reserves and a large one does not give up
/// gigabytes.
/// </summary>
internal sealed class DiskRoom
{
    /// <summary>
    /// Disk bytes a payload byte is taken to cost in the file: the row also holds its hash, prev and type (about 200
    /// bytes a record), B-tree pages are not full, telemetry has an index entry; 2 is above what was measured for records
    /// of 300 bytes and up (1.3-1.6) so the estimate errs on the side of dropping early.
    /// </summary>
    public const long Overhead = 2;

    private readonly Func<DiskSpace?> _probe;
    private readonly string _wal;

    private DiskRoom(Func<DiskSpace?> probe, string wal, int walPages, long walReserve, long evidenceReserve)
    {
        _probe = probe;
        _wal = wal;
        WalPages = walPages;
        WalReserve = walReserve;
        EvidenceReserve = evidenceReserve;
    }

    /// <summary>Pages after which the WAL is checkpointed into the database file (<c>PRAGMA wal_autocheckpoint</c>).</summary>
    public int WalPages { get; }

    /// <summary>Free bytes kept for the WAL's growth.</summary>
    public long WalReserve { get; }

    /// <summary>Free bytes telemetry may not use, so that evidence always finds room.</summary>
    public long EvidenceReserve { get; }

    /// <summary>Sizes the reserves for the filesystem <paramref name="probe"/> measures (SQLite's defaults when it cannot say).</summary>
    public static DiskRoom For(Func<DiskSpace?> probe, string outboxPath, long pageSize)
    {
        var total = probe()?.Total;
        // A WAL of 1/32 of the disk, 16 to 1,000 pages (SQLite's default, 4 MB): checkpointed that often, it cannot fill a
        // small disk before its pages reach the database file, where deleted rows' pages are reused.
        var walPages = total is { } t ? (int)Math.Clamp(t / 32 / pageSize, 16, 1000) : 1000;
        var walReserve = 2 * walPages * (pageSize + 24);
        // An eighth of the disk for evidence alone: at the measured 840 disk bytes an evidence record (and 250 a
        // tombstone), 3 MiB keeps about 350 records' room once telemetry has stopped.
        var evidenceReserve = total is { } size ? Math.Clamp(size / 8, 64L << 10, 16L << 20) : 16L << 20;
        return new DiskRoom(probe, outboxPath + "-wal", walPages, walReserve, evidenceReserve);
    }

    /// <summary>The free space of the filesystem holding <paramref name="directory"/>, or null when it cannot be read.</summary>
    public static Func<DiskSpace?> FileSystemOf(string directory)
    {
        DriveInfo? drive = null;
        return () =>
        {
            try
            {
                drive ??= new DriveInfo(directory);
                return new DiskSpace(drive.TotalSize, drive.AvailableFreeSpace);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                return null;
            }
        };
    }

    /// <summary>
    /// Bytes the outbox can still write, its reserves taken off: the filesystem's free space, the database's free pages
    /// (<paramref name="freePages"/>, reused before the file grows) and what the WAL already occupies (reused after a
    /// checkpoint), less the WAL's reserve. Null when the filesystem cannot be read (no disk limit then).
    /// </summary>
    public long? Measure(long freePages, long pageSize)
    {
        if (_probe() is not { } space)
        {
            return null;
        }

        long wal;
        try
        {
            var info = new FileInfo(_wal);
            wal = info.Exists ? info.Length : 0;
        }
        catch (IOException)
        {
            wal = 0;
        }

        return space.Available + freePages * pageSize + wal - WalReserve;
    }
}
