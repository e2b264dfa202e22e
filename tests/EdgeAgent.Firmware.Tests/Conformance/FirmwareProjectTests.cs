using System.Reflection;
using System.Xml.Linq;

namespace EdgeAgent.Firmware.Tests.Conformance;

/// <summary>The .nfproj the device maker builds lists its sources by hand (nanoFramework's project system has no
/// globs); these keep it, the files on disk and the conformance build's list in step.</summary>
public sealed class FirmwareProjectTests
{
    private static readonly string Root = typeof(FirmwareProjectTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FirmwareRoot").Value!;

    [Fact]
    public void NfProj_CompilesEverySourceUnderFirmwareAndNoOther()
    {
        var listed = XDocument.Load(Path.Combine(Root, "EdgeAgent.Firmware.nfproj"))
            .Descendants().Where(e => e.Name.LocalName == "Compile")
            .Select(e => ((string)e.Attribute("Include")!).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

        Assert.Equal(SourcesOnDisk().Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public void ConformanceBuild_HasEverySourceButTheDeviceOnes()
    {
        var shared = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "FirmwareSources"), "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(AppContext.BaseDirectory, "FirmwareSources"), f).Replace('\\', '/'));
        var deviceOnly = SourcesOnDisk().Except(shared).Order(StringComparer.Ordinal).ToList();

        Assert.Equal("Program.cs", deviceOnly[^1]);
        Assert.All(deviceOnly.SkipLast(1), f => Assert.StartsWith("Device/", f, StringComparison.Ordinal));
        Assert.Contains("Device/SerialUart.cs", deviceOnly);
    }

    private static IEnumerable<string> SourcesOnDisk() => Directory
        .GetFiles(Root, "*.cs", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
        .Where(f => !f.StartsWith("Conformance/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)
            && !f.StartsWith("obj/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal));
}
