using EdgeAgent.Hardware.Profiles;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Hardware.Tests.Profiles;

public sealed class ProfileCatalogTests
{
    [Fact]
    public void Board_UnknownId_ListsTheIdsThereAre()
    {
        using var workspace = new ProfileWorkspace();

        var error = Assert.Throws<ProfileException>(() => workspace.Catalog.Board("raspberry-pi-4"));

        Assert.Contains("Hardware:Board: (setting) 'raspberry-pi-4' is not a board profile", error.Message, StringComparison.Ordinal);
        Assert.Contains("allowed: jetson-orin-nano, raspberry-pi-5, rk3588, simulated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Product_UnknownId_ListsTheIdsThereAre()
    {
        using var workspace = new ProfileWorkspace();

        var error = Assert.Throws<ProfileException>(() => workspace.Catalog.Product("glasses"));

        Assert.Contains("Hardware:Product: (setting) 'glasses' is not a product profile", error.Message, StringComparison.Ordinal);
        Assert.Contains("allowed: drone, service-robot, smart-glasses", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Product_EmptyDirectory_SaysThereAreNone()
    {
        using var dir = new TempDirectory();

        var error = Assert.Throws<ProfileException>(() => new ProfileCatalog(dir.Path).Product("drone"));

        Assert.Contains("allowed: none", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ProductOnABoardItDoesNotList_Throws()
    {
        using var workspace = new ProfileWorkspace();

        var error = Assert.Throws<ProfileException>(() => workspace.Catalog.Resolve("smart-glasses", "jetson-orin-nano"));

        Assert.Equal("boards", Assert.Single(error.Errors).Field);
    }

    [Fact]
    public void Resolve_NewBoardAddedToTheDirectory_IsFoundById()
    {
        using var workspace = new ProfileWorkspace();
        File.Copy(workspace.PathOf("boards/rk3588.json"), workspace.PathOf("boards/orange-pi-5.json"));
        workspace.Mutate("boards/orange-pi-5.json", b => b["id"] = "orange-pi-5");
        workspace.Mutate("products/service-robot.json", p => p["boards"]!.AsArray().Add("orange-pi-5"));

        var (product, board) = workspace.Catalog.Resolve("service-robot", "orange-pi-5");

        Assert.Equal(("service-robot", "orange-pi-5"), (product.Id, board.Id));
        Assert.Contains("orange-pi-5", workspace.Catalog.BoardIds);
    }

    [Fact]
    public void Locate_Configured_UsesThatDirectory()
    {
        using var workspace = new ProfileWorkspace();

        Assert.Equal(workspace.Root, ProfileCatalog.Locate(workspace.Root).Directory);
        Assert.Equal(workspace.Root, new HardwareProfileOptions { Profiles = workspace.Root }.Catalog().Directory);
    }

    [Fact]
    public void Locate_NothingConfigured_FindsTheRepositorysHardwareFolder()
    {
        // The tests run from bin/ inside the checkout, so walking up reaches the repository's hardware/.
        if (Environment.GetEnvironmentVariable(ProfileCatalog.DirectoryVariable) is { Length: > 0 })
        {
            Assert.Fail($"unset {ProfileCatalog.DirectoryVariable} to run this test");
        }

        var catalog = ProfileCatalog.Locate();

        Assert.Equal(Path.GetFullPath(ProfileWorkspace.HardwareDirectory), Path.GetFullPath(catalog.Directory));
        Assert.Equal("simulated", new HardwareProfileOptions().Board);
    }
}
