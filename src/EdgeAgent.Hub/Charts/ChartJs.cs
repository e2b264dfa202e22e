namespace EdgeAgent.Hub.Charts;

/// <summary>
/// Chart.js (npm <c>chart.js</c>, version pinned by <c>Charts/package-lock.json</c>), embedded in the hub at build time:
/// self-contained reports inline it, the dashboard serves it. One copy, one version.
/// </summary>
internal static class ChartJs
{
    private static readonly Lazy<string> Text = new(() =>
    {
        using var stream = typeof(ChartJs).Assembly.GetManifestResourceStream("chart.umd.min.js")
            ?? throw new InvalidOperationException("chart.umd.min.js is not embedded in edgehub; the build's npm ci step did not run");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The minified UMD build; defines the global <c>Chart</c>.</summary>
    public static string Script => Text.Value;
}
