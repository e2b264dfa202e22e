using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Catalog;

namespace EdgeAgent.Device.Catalog;

/// <summary>
/// Fetches a package with <c>npm pack name@version</c> (npm's own registry client, cache and proxy settings) into a
/// temporary folder and reads files out of the tarball. Only exact versions are asked for; the catalog reader
/// rejects ranges before this runs.
/// </summary>
/// <param name="npmCommand">The npm executable.</param>
/// <param name="workRoot">Where tarballs are downloaded to (a fresh folder per fetch); default: the system temp folder.</param>
internal sealed class NpmPackageFetcher(string npmCommand = "npm", string? workRoot = null) : IPackageFetcher
{
    public async Task<IFetchedPackage> FetchAsync(PackageSource package, CancellationToken cancellationToken)
    {
        var dir = workRoot is null
            ? Directory.CreateTempSubdirectory("edgeagent-npm-")
            : Directory.CreateDirectory(Path.Combine(workRoot, "npm-" + Guid.NewGuid().ToString("N")));
        try
        {
            var stdout = await RunNpmAsync(["pack", package.Spec, "--json", "--pack-destination", dir.FullName], package.Spec, cancellationToken)
                .ConfigureAwait(false);
            var tarball = Directory.GetFiles(dir.FullName, "*.tgz").SingleOrDefault()
                ?? throw new IOException($"npm pack {package.Spec} reported success but wrote no tarball; it printed: {Trim(stdout)}");
            return new Tarball(dir, tarball, package.Spec);
        }
        catch
        {
            dir.Delete(recursive: true);
            throw;
        }
    }

    private async Task<string> RunNpmAsync(IReadOnlyList<string> arguments, string spec, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(npmCommand)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new IOException($"'{npmCommand}' did not start");
        }
        catch (Win32Exception e)
        {
            throw new IOException(
                $"'{npmCommand}' was not found or cannot run ({e.Message}); models are fetched with npm: install Node.js and npm " +
                "(Debian: apt-get install nodejs npm) or copy the files into the model cache by hand.", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var output = await stdout.ConfigureAwait(false);
            var errors = await stderr.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new IOException($"npm pack {spec} failed with exit code {process.ExitCode}: {Trim(NpmError(output) ?? errors)}");
            }

            return output;
        }
    }

    /// <summary>npm --json puts its error summary on stdout as {"error":{"summary":...}}.</summary>
    private static string? NpmError(string stdout)
    {
        try
        {
            using var doc = JsonDocument.Parse(stdout);
            return doc.RootElement.TryGetProperty("error", out var e) && e.TryGetProperty("summary", out var s) ? s.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Trim(string text)
    {
        text = text.Trim();
        return text.Length <= 800 ? text : string.Concat(text.AsSpan(0, 800), " ...");
    }

    private sealed class Tarball(DirectoryInfo dir, string path, string spec) : IFetchedPackage
    {
        public async Task ExtractAsync(string pathInPackage, string destination, CancellationToken cancellationToken)
        {
            // npm tarballs keep every file under "package/".
            var wanted = "package/" + pathInPackage;
            await using var file = File.OpenRead(path);
            await using var gzip = new GZipStream(file, CompressionMode.Decompress);
            await using var tar = new TarReader(gzip);
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile &&
                    string.Equals(entry.Name.TrimStart('.', '/'), wanted, StringComparison.Ordinal) && entry.DataStream is { } data)
                {
                    await using var output = new FileStream(destination, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                    await data.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                    await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    output.Flush(flushToDisk: true);
                    return;
                }
            }

            throw new FileNotFoundException($"npm package {spec} has no file '{pathInPackage}'", pathInPackage);
        }

        public void Dispose() => dir.Delete(recursive: true);
    }
}
