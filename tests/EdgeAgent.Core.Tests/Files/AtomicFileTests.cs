using System.Text;
using EdgeAgent.Core.Files;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Core.Tests.Files;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AtomicFileTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void Write_OverAnExistingFile_ReplacesItWholeAndLeavesNoTemporary()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("state", "provisioned.json");

        AtomicFile.WriteText(path, "{\"a\":1}\n");
        AtomicFile.WriteText(path, "{\"b\":2}\n");

        Assert.Equal("{\"b\":2}\n", File.ReadAllText(path));
        Assert.Equal(Encoding.UTF8.GetBytes("{\"b\":2}\n"), File.ReadAllBytes(path)); // no byte-order mark
        Assert.Equal(["provisioned.json"], Directory.GetFiles(dir.Combine("state")).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_WithAMode_CreatesTheFileWithItEvenOverAStaleWorldReadableTemporary()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("device-key.pem");
        File.WriteAllText(path + ".tmp", "left by a crash");
        File.SetUnixFileMode(path + ".tmp", OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        AtomicFile.WriteText(path, "secret", OwnerOnly);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Assert.Equal("secret", File.ReadAllText(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public async Task WriteAsync_Bytes_LandWhole()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("journal.json");
        var content = new byte[100_000];
        Random.Shared.NextBytes(content);

        await AtomicFile.WriteAsync(path, content, CancellationToken.None);
        await AtomicFile.WriteTextAsync(dir.Combine("status.json"), "{}", CancellationToken.None, flushToDisk: false);

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal("{}", await File.ReadAllTextAsync(dir.Combine("status.json")));
    }
}
