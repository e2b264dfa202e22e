using System.Diagnostics;

namespace EdgeAgent.TestKit.Data;

/// <summary>
/// Real test inputs taken from Debian packages (a face photograph, a CJK font) without installing them:
/// <c>apt-get download</c> fetches the .deb into <c>artifacts/testdata/debs</c> once, <c>dpkg-deb -x</c> unpacks it,
/// and the file's path is returned. Later runs reuse the unpacked file (the .deb itself is not kept).
/// </summary>
public static class DebianPackageFile
{
    private static readonly Lock Gate = new();

    public static string Root => IO.RepositoryRoot.Combine("artifacts", "testdata", "debs");

    /// <summary>The file at <paramref name="pathInPackage"/> (no leading '/') of Debian package <paramref name="package"/>.</summary>
    public static string Get(string package, string pathInPackage)
    {
        var unpacked = Path.Combine(Root, package);
        var file = Path.Combine(unpacked, pathInPackage);
        lock (Gate)
        {
            if (File.Exists(file))
            {
                return file;
            }

            // Test projects run in parallel processes: each downloads and unpacks into its own folder, then renames it
            // into place; a process that finds the package already there (another one won) keeps that one.
            Directory.CreateDirectory(Root);
            var own = Path.Combine(Root, $".{package}.{Environment.ProcessId}");
            Directory.CreateDirectory(own);
            try
            {
                var deb = Directory.GetFiles(Root, $"{package}_*.deb").FirstOrDefault();
                if (deb is null)
                {
                    Run("apt-get", own, "download", package);
                    deb = Directory.GetFiles(own, $"{package}_*.deb").FirstOrDefault()
                        ?? throw new InvalidOperationException($"apt-get download {package} wrote no .deb into {own}");
                }

                var staged = Path.Combine(own, "unpacked");
                Run("dpkg-deb", own, "-x", deb, staged);
                try
                {
                    Directory.Move(staged, unpacked);
                }
                catch (IOException) when (Directory.Exists(unpacked))
                {
                    // another process put it there first
                }
            }
            finally
            {
                Directory.Delete(own, recursive: true);
            }

            return File.Exists(file) ? file : throw new FileNotFoundException($"Debian package {package} has no {pathInPackage}", file);
        }
    }

    private static void Run(string command, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { WorkingDirectory = workingDirectory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result.Trim()}. " +
                "If the package lists are missing, run 'apt-get update' once (./build.sh --target=Test does).");
        }
    }
}
