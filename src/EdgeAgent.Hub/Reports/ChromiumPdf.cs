using System.Diagnostics;

namespace EdgeAgent.Hub.Reports;

/// <summary>A PDF could not be made; the message says why and what to do.</summary>
internal sealed class PdfException(string message) : Exception(message);

/// <summary>Prints an HTML file to PDF with headless Chromium (Debian package <c>chromium</c>), in a throwaway profile.</summary>
internal static class ChromiumPdf
{
    public const string DefaultChromium = "/usr/bin/chromium";

    public static async Task PrintAsync(string htmlPath, string pdfPath, string chromium, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!File.Exists(chromium))
        {
            throw new PdfException($"--format pdf needs headless Chromium at {chromium}, which is not there: install the Debian package (apt-get install chromium) or name it with --chromium");
        }

        var profile = Directory.CreateTempSubdirectory("edgehub-chromium-");
        try
        {
            var start = new ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--no-pdf-header-footer", $"--user-data-dir={profile.FullName}", $"--print-to-pdf={Path.GetFullPath(pdfPath)}", new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start) ?? throw new PdfException($"{chromium} did not start");
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new PdfException($"{chromium} did not finish printing {htmlPath} within {timeout.TotalSeconds:0} s");
            }

            await Task.WhenAll(stderr, stdout).ConfigureAwait(false);
            if (process.ExitCode != 0 || !File.Exists(pdfPath) || new FileInfo(pdfPath).Length < 5)
            {
                throw new PdfException($"{chromium} exited with code {process.ExitCode} and wrote no PDF: {(await stderr.ConfigureAwait(false)).Trim()}");
            }
        }
        finally
        {
            try
            {
                profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Chromium's helpers may still hold a file for a moment; the temp directory is the system's to clean.
            }
        }
    }
}
