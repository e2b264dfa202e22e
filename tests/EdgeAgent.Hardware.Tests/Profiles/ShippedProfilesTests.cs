using EdgeAgent.Hardware.Profiles;
using EdgeAgent.TestKit.Catalog;

namespace EdgeAgent.Hardware.Tests.Profiles;

/// <summary>Every profile in the repository's hardware/ loads, validates against its schema and fits its boards.</summary>
public sealed class ShippedProfilesTests
{
    private static readonly ProfileCatalog Shipped = new(ProfileWorkspace.HardwareDirectory);

    public static TheoryData<string> Boards => [.. ProfileWorkspace.ShippedBoards];

    public static TheoryData<string> Products => [.. ProfileWorkspace.ShippedProducts];

    public static TheoryData<string, string> ProductsOnBoards()
    {
        var data = new TheoryData<string, string>();
        foreach (var id in ProfileWorkspace.ShippedProducts)
        {
            foreach (var board in Shipped.Product(id).Boards.Append("simulated"))
            {
                data.Add(id, board);
            }
        }

        return data;
    }

    [Fact]
    public void Shipped_TheIssuesBoardsAndProducts_AreThere()
    {
        Assert.Equal(["jetson-orin-nano", "raspberry-pi-5", "rk3588", "simulated"], Shipped.BoardIds);
        Assert.Equal(["drone", "service-robot", "smart-glasses"], Shipped.ProductIds);
    }

    [Theory]
    [MemberData(nameof(Boards))]
    public void LoadBoard_ShippedBoard_LoadsAndMatchesTheSchema(string id)
    {
        var board = Shipped.Board(id);

        Assert.Equal(id, board.Id);
        Assert.Equal(id == "simulated", board.Simulated);
        Assert.NotEmpty(board.Notes);
        Assert.Null(ProfileWorkspace.SchemaErrors(Shipped.BoardPath(id)));
    }

    [Theory]
    [MemberData(nameof(Products))]
    public void LoadProduct_ShippedProduct_LoadsAndMatchesTheSchema(string id)
    {
        var product = Shipped.Product(id);

        Assert.Equal(id, product.Id);
        Assert.NotEmpty(product.Sensors);
        Assert.NotEmpty(product.Modes.States);
        Assert.NotEmpty(product.Faults);
        Assert.NotEmpty(product.Notes);
        Assert.Null(ProfileWorkspace.SchemaErrors(Shipped.ProductPath(id)));
    }

    [Theory]
    [MemberData(nameof(ProductsOnBoards))]
    public void Check_ShippedProductOnEachOfItsBoardsAndSimulated_Fits(string product, string board)
    {
        var (p, b) = Shipped.Resolve(product, board);

        Assert.Empty(ProfileLoader.FindProblems(p, b));
        foreach (var sensor in p.Sensors.Where(s => s.Bus is not null))
        {
            Assert.True(b.I2c.ContainsKey(sensor.Bus!), $"{sensor.Id} on {sensor.Bus}");
        }

        foreach (var pin in new[] { p.Controls?.StatusLed?.Pin, p.Controls?.Button?.Pin }.OfType<int>())
        {
            Assert.NotNull(b.Line(pin));
        }
    }

    [Theory]
    [MemberData(nameof(Products))]
    public void Pipelines_ShippedProduct_RunModelsOfTheRealCatalog(string id)
    {
        foreach (var pipeline in Shipped.Product(id).Pipelines)
        {
            // ppocr is a family of two catalog entries (detection and recognition), as the agent's pipelines name it.
            var entry = pipeline.Model == "ppocr" ? "ppocr-det" : pipeline.Model;
            Assert.NotNull(RealModels.Catalog.Find(entry));
        }
    }

    [Fact]
    public void ShippedProducts_ReadAsTheContractSays()
    {
        var glasses = Shipped.Product("smart-glasses");
        var imu = glasses.Sensor("imu")!;
        Assert.Equal(("imu", "mpu6050", "i2c1", 0x68, 100), (imu.Kind, imu.Chip, imu.Bus, imu.I2cAddress, imu.PeriodMs));
        Assert.Equal(["charging", "active", "worn"], glasses.Modes.States.Select(s => s.Name));
        Assert.Equal(("standby", "idle"), (glasses.Modes.Default.Name, glasses.Modes.Default.Class));
        Assert.True(glasses.Modes.States[1].Session);
        Assert.Equal("latest", glasses.Modes.States[1].Any[0].Stat);
        Assert.Equal(("consent", 3000, true), (glasses.Controls!.Button!.Action, glasses.Controls.Button.LongPressMs, glasses.Controls.Button.ActiveLow));
        Assert.False(glasses.Faults.Single(f => f.Code == "battery.low").Relevant);
        var camera = glasses.Sensor("camera")!;
        Assert.Equal((1000, true, (int?)null), (camera.PeriodMs, camera.Required, camera.I2cAddress));
        Assert.True(glasses.Faults.Single(f => f.Code == "temperature.high").Relevant);

        var drone = Shipped.Product("drone");
        var motor = drone.Sensor("motor")!;
        Assert.Equal((0.0005, 60.0), (motor.Setting("shunt_ohms", 0), motor.Setting("max_current_a", 0)));
        Assert.Equal(("uart0", 9600), (drone.Sensor("gnss")!.Uart, drone.Sensor("gnss")!.Baud));
        Assert.False(drone.Sensor("landing")!.Required);
        Assert.True(drone.Sensor("imu")!.Required);
        Assert.Equal(["battery.low", "motor.overcurrent", "temperature.high"], drone.Faults.Select(f => f.Code));

        var robot = Shipped.Product("service-robot");
        Assert.Empty(robot.Modes.States.Single(s => s.Name == "operating").All);
        Assert.Empty(robot.Modes.States.Single(s => s.Name == "charging").Any);
        Assert.Equal("latest", robot.Modes.States.Single(s => s.Name == "charging").All[0].Stat);
        Assert.Empty(robot.Sensor("env")!.Settings);
        Assert.Equal([0x40, 0x41, 0x48, 0x29, 0x76], robot.Sensors.Where(s => s.Bus is not null).Select(s => s.I2cAddress!.Value));
    }

    [Fact]
    public void Line_BoardsWithAndWithoutAPinMap_PlaceThePinsOfTheProducts()
    {
        Assert.Equal(("/dev/gpiochip0", 17), Pair(Shipped.Board("raspberry-pi-5").Line(17)));
        Assert.Equal(("/dev/gpiochip3", 15), Pair(Shipped.Board("rk3588").Line(27)));
        Assert.Equal(("/dev/gpiochip0", 112), Pair(Shipped.Board("jetson-orin-nano").Line(17)));
        Assert.Null(Shipped.Board("rk3588").Line(4));
        Assert.Equal(("sim:gpio", 4), Pair(Shipped.Board("simulated").Line(4)));

        static (string, int) Pair(GpioLine? line) => (line!.Chip, line.Line);
    }

    [Fact]
    public void Serialize_ShippedProfile_RoundTripsThroughTheLoader()
    {
        using var workspace = new ProfileWorkspace();
        var drone = Shipped.Product("drone");
        var path = workspace.PathOf("products/drone.json");
        File.WriteAllText(path, ProfileLoader.Serialize(drone));

        var again = ProfileLoader.LoadProduct(path);

        Assert.Equal(ProfileLoader.Serialize(drone), ProfileLoader.Serialize(again));
        Assert.Null(ProfileWorkspace.SchemaErrors(path));
    }
}
