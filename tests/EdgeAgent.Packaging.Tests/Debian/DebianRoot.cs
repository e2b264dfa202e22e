using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Packaging.Tests.Debian;

/// <summary>
/// A minimal Debian bookworm made with debootstrap (minbase plus systemd, adduser, udev and the libraries the packages
/// depend on), unpacked fresh for each test from a tarball cached under artifacts/debian-root/ and keyed by everything
/// that went into it, so only the first run fetches. Commands run in it with chroot inside a private mount namespace
/// (unshare) that has its own /proc: nothing stays mounted when a command ends, and no systemd runs in it (as in an
/// image build), so the maintainer scripts take their no-systemd paths.
/// </summary>
internal sealed class DebianRoot : IDisposable
{
    public const string Suite = "bookworm";
    public const string Mirror = "http://deb.debian.org/debian";

    /// <summary>What the packages need besides minbase: their Depends (bookworm names) and the tools their scripts use.</summary>
    public static readonly string[] Include = ["systemd", "adduser", "udev", "libssl3", "libasound2", "libgpiod2"];

    private static readonly SemaphoreSlim Building = new(1, 1);
    private static readonly string[] ToolDirectories = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"];
    private static readonly string[] Tools = ["debootstrap", "unshare", "chroot", "tar", "dpkg-deb"];
    private readonly TempDirectory _temp;

    private DebianRoot(TempDirectory temp)
    {
        _temp = temp;
    }

    /// <summary>The root's directory on this machine.</summary>
    public string Path => _temp.Combine("root");

    /// <summary>Why a root cannot be made here (not root, no debootstrap, unshare or chroot), or null when it can.</summary>
    public static string? WhyNot()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "a Debian root needs Linux";
        }

        if (Environment.UserName != "root")
        {
            return $"debootstrap, chroot and mount namespaces need root (running as {Environment.UserName}); run the package tests as root, as CI does";
        }

        foreach (var tool in Tools)
        {
            if (!ToolDirectories.Any(dir => File.Exists(System.IO.Path.Combine(dir, tool))))
            {
                return $"{tool} is not installed (apt-get install debootstrap; the Test target installs it)";
            }
        }

        return null;
    }

    public static string CacheKey
    {
        get
        {
            var recipe = $"{Suite}|minbase|{string.Join(",", Include)}|{Mirror}";
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(recipe)))[..12].ToLowerInvariant();
        }
    }

    public static string Tarball => RepositoryRoot.Combine("artifacts", "debian-root", $"{Suite}-minbase-{CacheKey}.tar");

    /// <summary>A fresh root unpacked from the cached tarball, which is made first when missing.</summary>
    public static async Task<DebianRoot> CreateAsync()
    {
        await EnsureTarballAsync();
        var root = new DebianRoot(new TempDirectory());
        Directory.CreateDirectory(root.Path);
        await Host("tar", ["-C", root.Path, "-xf", Tarball]);
        return root;
    }

    /// <summary>Runs <paramref name="script"/> with /bin/sh inside the root, as root; returns its exit code and output.</summary>
    public async Task<(int Code, string Output)> RunAsync(string script)
    {
        // $0 is the root, $1 the script: no quoting of either into the other.
        return await Run("unshare", ["--mount", "--fork", "--", "/bin/sh", "-c", "mount -t proc proc \"$0/proc\" && exec chroot \"$0\" /bin/sh -c \"$1\"", Path, script]);
    }

    /// <summary>Like <see cref="RunAsync"/>, failing the test (with the output) unless the script exits 0.</summary>
    public async Task<string> RequireAsync(string script)
    {
        var (code, output) = await RunAsync(script);
        Assert.True(code == 0, $"`{script}` exited with {code}:\n{output}");
        return output;
    }

    /// <summary>Copies a file from this machine into the root.</summary>
    public string Put(string file, string inRoot)
    {
        var target = In(inRoot);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        File.Copy(file, target, overwrite: true);
        return inRoot;
    }

    /// <summary>The path on this machine of <paramref name="inRoot"/> (an absolute path inside the root).</summary>
    public string In(string inRoot) => System.IO.Path.Combine(Path, inRoot.TrimStart('/'));

    public void Dispose() => _temp.Dispose();

    /// <summary>Runs a program on this machine (not in the root), failing the test unless it exits 0.</summary>
    public static async Task<string> Host(string program, IEnumerable<string> arguments)
    {
        var (code, output) = await Run(program, arguments);
        Assert.True(code == 0, $"{program} {string.Join(" ", arguments)} exited with {code}:\n{output}");
        return output;
    }

    private static async Task EnsureTarballAsync()
    {
        if (File.Exists(Tarball))
        {
            return;
        }

        await Building.WaitAsync();
        try
        {
            if (File.Exists(Tarball))
            {
                return;
            }

            var directory = System.IO.Path.GetDirectoryName(Tarball)!;
            var work = System.IO.Path.Combine(directory, $"build-{CacheKey}");
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }

            Directory.CreateDirectory(work);
            var watch = Stopwatch.StartNew();
            await Host("debootstrap", ["--variant=minbase", $"--include={string.Join(",", Include)}", Suite, work, Mirror]);
            var partial = Tarball + ".partial";
            await Host("tar", ["-C", work, "-cf", partial, "."]);
            File.Move(partial, Tarball);
            Directory.Delete(work, recursive: true);
            Console.WriteLine($"debootstrap {Suite} minbase + {string.Join(",", Include)}: {watch.Elapsed.TotalSeconds:F0} s, cached as {Tarball}");
        }
        finally
        {
            Building.Release();
        }
    }

    private static async Task<(int Code, string Output)> Run(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A clean environment: nothing of the test host's (DOTNET_*, the runner's variables) reaches the packaged programs.
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        start.Environment["HOME"] = "/root";
        start.Environment["LANG"] = "C.UTF-8";
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
    }
}
