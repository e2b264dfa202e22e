using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace EdgeAgent.TestKit.Processes;

/// <summary>
/// A .NET program of this repository run as a real child process (<c>dotnet program.dll args</c>), or any executable
/// (<see cref="StartExecutable"/>), for end-to-end tests that kill things: every output line is kept, a test waits for a
/// line with a timeout (never a fixed delay), and the process is stopped with SIGKILL (a crash or power cut) or SIGTERM
/// (a clean stop, as systemd does).
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly Lock _gate = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Every whole line written to standard output so far.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    public string ErrorText => string.Join(Environment.NewLine, _errors);

    public static ChildProcess Start(string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is not built; build the solution first (./build.sh --target=Build)");
        }

        return Launch(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [dll, .. arguments], Path.GetFileNameWithoutExtension(dll), environment, workingDirectory);
    }

    /// <summary>
    /// An executable that is not a .NET program of this repository (a script, a published apphost), run as it is;
    /// <paramref name="name"/> names it in timeouts and errors.
    /// </summary>
    public static ChildProcess StartExecutable(string path, IEnumerable<string> arguments, string name, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} does not exist");
        }

        return Launch(path, arguments, name, environment, workingDirectory);
    }

    /// <summary>Runs an executable (see <see cref="StartExecutable"/>) to its end and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunExecutableAsync(string path, IEnumerable<string> arguments, string name, TimeSpan timeout)
    {
        await using var child = StartExecutable(path, arguments, name);
        await child.WaitForExitAsync(timeout).ConfigureAwait(false);
        return (child.ExitCode, string.Join(Environment.NewLine, child._lines), child.ErrorText);
    }

    private static ChildProcess Launch(string fileName, IEnumerable<string> arguments, string name, IReadOnlyDictionary<string, string>? environment, string? workingDirectory)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        // An agent installed on this machine (/etc/edgeagent) must not configure the agents a test starts.
        start.Environment["EDGEAGENT_CONFIG_DIR"] = Path.Combine(Path.GetTempPath(), "edgeagent-tests-have-no-installed-config");
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[k] = v;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                child.OnLine(line);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                child._errors.Enqueue(line);
            }
        };
        process.Exited += (_, _) => child._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs a program to its end and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string dll, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        await using var child = Start(dll, arguments, workingDirectory: workingDirectory);
        await child.WaitForExitAsync(timeout).ConfigureAwait(false);
        return (child.ExitCode, string.Join(Environment.NewLine, child._lines), child.ErrorText);
    }

    /// <summary>The first line (already written or still to come) that <paramref name="match"/> accepts.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(match);
        TaskCompletionSource<string> found = new(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_lines.FirstOrDefault(match) is { } seen)
            {
                return Task.FromResult(seen);
            }

            _waiters.Add((match, found));
        }

        return WaitAsync(found.Task, timeout, what);
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _exited.Task.WaitAsync(timeout).ConfigureAwait(false);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds} s; stderr: {Tail(ErrorText)}");
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, nothing is flushed. Waits until the process is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>SIGTERM, then waits for the clean stop.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited && SendSignal(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        await WaitForExitAsync(timeout).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private void OnLine(string line)
    {
        lock (_gate)
        {
            _lines.Enqueue(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    _waiters[i].Found.TrySetResult(line);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private async Task<string> WaitAsync(Task<string> found, TimeSpan timeout, string what)
    {
        var done = await Task.WhenAny(found, _exited.Task.ContinueWith(_ => "", TaskScheduler.Default), Task.Delay(timeout)).ConfigureAwait(false);
        if (done == found)
        {
            return await found.ConfigureAwait(false);
        }

        // One last look: the process may have written the line just before it exited.
        if (found.IsCompleted)
        {
            return await found.ConfigureAwait(false);
        }

        var state = _process.HasExited ? $"exited with code {_process.ExitCode}" : $"still running after {timeout.TotalSeconds} s";
        throw new TimeoutException($"{Name} {state} without printing {what}; last output: {Tail(string.Join('\n', _lines))}; stderr: {Tail(ErrorText)}");
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : "..." + text[^2000..];

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe blocks in the TestKit for one libc call
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
#pragma warning restore SYSLIB1054
}
