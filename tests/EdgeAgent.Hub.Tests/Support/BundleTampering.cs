using System.IO.Compression;

namespace EdgeAgent.Hub.Tests.Support;

/// <summary>What a tamperer does to an evidence bundle in the tests: rewrites one file inside the zip.</summary>
internal static class BundleTampering
{
    /// <summary>Replaces <paramref name="entryName"/> with <paramref name="change"/> of its text; fails if nothing changed.</summary>
    public static void Rewrite(string path, string entryName, Func<string, string> change)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.GetEntry(entryName) ?? throw new InvalidOperationException($"{entryName} not in the bundle");
        string text;
        using (var reader = new StreamReader(entry.Open()))
        {
            text = reader.ReadToEnd();
        }

        var changed = change(text);
        Assert.NotEqual(text, changed);
        entry.Delete();
        using var writer = new StreamWriter(zip.CreateEntry(entryName).Open());
        writer.Write(changed);
    }
}
