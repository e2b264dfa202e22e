using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Packaging.Tests.Debian;

/// <summary>
/// The amd64 packages installed with dpkg into a minimal Debian bookworm: the files and their modes, the units as
/// systemd reads them, the user and its groups, the packaged agent running there; an upgrade that keeps the state and
/// a changed conffile; a removal that keeps the state; a purge that leaves nothing of the agent.
/// </summary>
public sealed class PackageTests
{
    private const string State = "/var/lib/edgeagent";

    private static string? WhyNot => DebianRoot.WhyNot();

    [SkippableFact]
    public async Task Install_MinimalDebian_FilesUnitsUserAndTheAgentRuns()
    {
        Skip.If(WhyNot is not null, WhyNot);
        using var root = await DebianRoot.CreateAsync();
        root.Put(Shipped.Deb("edgeagent"), "/tmp/edgeagent.deb");
        root.Put(Shipped.Deb("edgehub"), "/tmp/edgehub.deb");

        await root.RequireAsync("dpkg -i /tmp/edgeagent.deb /tmp/edgehub.deb");

        // The files, their modes and owners.
        var listed = await root.RequireAsync(
            "stat -c '%a %U:%G %F %n' /usr/lib/edgeagent/edgeagent /usr/lib/edgeagent/libonnxruntime.so /usr/lib/systemd/system/edgeagent.service " +
            "/usr/lib/udev/rules.d/60-edgeagent.rules /etc/edgeagent/agent.json /usr/share/edgeagent/models/catalog.json " +
            "/usr/share/edgeagent/hardware/boards/raspberry-pi-5.json /usr/share/doc/edgeagent/copyright /usr/share/doc/edgeagent/changelog.gz " +
            "/usr/lib/edgehub/edgehub /usr/lib/systemd/system/edgehub.service /etc/default/edgehub");
        var modes = listed.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToDictionary(l => l.Split(' ')[^1], l => string.Join(' ', l.Split(' ')[..3]));
        Assert.Equal("755 root:root regular", modes["/usr/lib/edgeagent/edgeagent"]);
        Assert.Equal("755 root:root regular", modes["/usr/lib/edgehub/edgehub"]);
        foreach (var file in modes.Keys.Where(f => !f.EndsWith("/edgeagent", StringComparison.Ordinal) && !f.EndsWith("/edgehub", StringComparison.Ordinal)))
        {
            Assert.True(modes[file] == "644 root:root regular", $"{file}: {modes[file]}");
        }

        Assert.Equal("../lib/edgeagent/edgeagent", (await root.RequireAsync("readlink /usr/bin/edgeagent")).Trim());
        Assert.Equal("/etc/edgeagent/agent.json", (await root.RequireAsync("dpkg-query -W -f='${Conffiles}' edgeagent")).Trim().Split(' ')[0]);
        Assert.Equal("/etc/default/edgehub", (await root.RequireAsync("dpkg-query -W -f='${Conffiles}' edgehub")).Trim().Split(' ')[0]);
        // Every model file of the catalog is shipped, so pipelines and `infer` need no network.
        var cached = await root.RequireAsync("cd /usr/share/edgeagent/models/.cache && find . -type f | sort");
        Assert.Contains("./blazeface/face_detection_front_128x128_barracuda.onnx", cached, StringComparison.Ordinal);

        // The units as bookworm's systemd reads them; both enabled.
        var verify = await root.RunAsync("systemd-analyze verify /usr/lib/systemd/system/edgeagent.service /usr/lib/systemd/system/edgehub.service 2>&1");
        Assert.True(verify.Code == 0, verify.Output);
        Assert.DoesNotContain("edgeagent.service:", verify.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("edgehub.service:", verify.Output, StringComparison.Ordinal);
        await root.RequireAsync("test -L /etc/systemd/system/multi-user.target.wants/edgeagent.service && test -L /etc/systemd/system/multi-user.target.wants/edgehub.service");

        // The system users, the agent in the bus groups (gpio, i2c and spi created by postinst).
        Assert.Equal("edgeagent:/var/lib/edgeagent:/usr/sbin/nologin", Passwd(await root.RequireAsync("getent passwd edgeagent")));
        Assert.Equal("edgehub:/var/lib/edgehub:/usr/sbin/nologin", Passwd(await root.RequireAsync("getent passwd edgehub")));
        var groups = (await root.RequireAsync("id -nG edgeagent")).Split(' ', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Subset(groups.ToHashSet(), new HashSet<string> { "edgeagent", "gpio", "i2c", "spi", "video", "audio", "dialout" });
        Assert.Equal("700 edgeagent:edgeagent", (await root.RequireAsync($"stat -c '%a %U:%G' {State}")).Trim()); // made by postinst, before any start

        // Every library the shipped ELF files link against resolves, and those .NET and the agent dlopen are there.
        // (libcoreclrtraceptprovider.so links LTTng; the runtime loads it only when LTTng is installed: optional.)
        var missing = await root.RequireAsync(
            "for f in /usr/lib/edgeagent/edgeagent /usr/lib/edgeagent/*.so /usr/lib/edgehub/edgehub /usr/lib/edgehub/*.so; do " +
            "case $f in */libcoreclrtraceptprovider.so) continue;; esac; ldd $f | sed -n \"s|^|$f: |; /not found/p\"; done");
        Assert.True(missing.Trim().Length == 0, missing);
        var loaded = await root.RequireAsync("ldconfig -p");
        foreach (var library in new[] { "libssl.so.3", "libcrypto.so.3", "libasound.so.2", "libgpiod.so.2" })
        {
            Assert.Contains(library, loaded, StringComparison.Ordinal);
        }

        // The packaged programs run there as their users: help, then every catalog model's hash, signature and self-test
        // against the catalog the package ships (found beside the program, /usr/lib/edgeagent/models).
        Assert.Contains("provision", await root.RequireAsync("runuser -u edgeagent -- edgeagent --help"), StringComparison.Ordinal);
        Assert.Contains("serve", await root.RequireAsync("runuser -u edgehub -- edgehub --help"), StringComparison.Ordinal);
        var models = await root.RequireAsync("cd / && runuser -u edgeagent -- edgeagent models verify");
        Assert.Contains("blazeface", models, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Provision_AsRootAfterInstall_WritesTheInstalledSettingsAndTheAgentRecordsAsItsUser()
    {
        Skip.If(WhyNot is not null, WhyNot);
        using var root = await DebianRoot.CreateAsync();
        root.Put(Shipped.Deb("edgeagent"), "/tmp/edgeagent.deb");
        await root.RequireAsync("dpkg -i /tmp/edgeagent.deb");
        const string Provision = "cd / && edgeagent provision --device DEB-PROV-0001 --product smart-glasses --consent --board simulated --profile smart-glasses";

        // The device maker's one command after installing, as root: the key in the agent's state directory, given to the
        // agent's user; the settings in /etc/edgeagent/provisioned.json; the next step is the unit.
        var first = (await root.RequireAsync(Provision)).Trim().Split('\n');
        Assert.StartsWith("key: provisioned device DEB-PROV-0001 of product smart-glasses: new key", first[0], StringComparison.Ordinal);
        Assert.Contains(first, l => l.Contains("wrote /etc/edgeagent/provisioned.json", StringComparison.Ordinal));
        Assert.Contains("systemctl restart edgeagent", first[^1], StringComparison.Ordinal);
        var settings = await File.ReadAllTextAsync(root.In("/etc/edgeagent/provisioned.json"));
        Assert.Contains("\"Board\": \"simulated\"", settings, StringComparison.Ordinal);
        Assert.Contains("\"Product\": \"smart-glasses\"", settings, StringComparison.Ordinal);
        var owners = (await root.RequireAsync($"stat -c '%a %U:%G %n' {State} {State}/device-key.pem {State}/device-key.pub.pem")).Trim().Split('\n');
        Assert.Equal([$"700 edgeagent:edgeagent {State}", $"600 edgeagent:edgeagent {State}/device-key.pem", $"644 edgeagent:edgeagent {State}/device-key.pub.pem"], owners);
        var key = await File.ReadAllTextAsync(root.In($"{State}/device-key.pub.pem"));

        // Re-running it is safe: the same key, the settings unchanged, and it says so.
        var again = (await root.RequireAsync(Provision)).Trim().Split('\n');
        Assert.Contains("was already provisioned; kept key", again[0], StringComparison.Ordinal);
        Assert.Contains(again, l => l.Contains("/etc/edgeagent/provisioned.json unchanged", StringComparison.Ordinal));
        Assert.Equal(key, await File.ReadAllTextAsync(root.In($"{State}/device-key.pub.pem")));

        // The packaged agent, as its user, on the installed agent.json and provisioned.json (what the unit's ExecStart
        // reads): it starts, records into its own state directory while the hub is unreachable, and stops on SIGTERM.
        var run = await root.RunAsync("cd / && runuser -u edgeagent -- timeout -s TERM 20 edgeagent run 2>&1; echo \"exit=$?\"");
        Assert.True(run.Output.TrimEnd().EndsWith("exit=124", StringComparison.Ordinal), run.Output); // stopped by timeout's SIGTERM, not failed
        var export = await root.RequireAsync("cd / && runuser -u edgeagent -- edgeagent ledger export --out /tmp/ledger.json && runuser -u edgeagent -- edgeagent ledger verify --in /tmp/ledger.json");
        Assert.Matches(@"exported [1-9][0-9]* record\(s\)", export);
        Assert.Equal("edgeagent:edgeagent", (await root.RequireAsync($"stat -c '%U:%G' {State}/outbox.db")).Trim());
    }

    [SkippableFact]
    public async Task Upgrade_StateAndChangedConffile_AreKept()
    {
        Skip.If(WhyNot is not null, WhyNot);
        using var root = await DebianRoot.CreateAsync();
        using var work = new TempDirectory();
        root.Put(Shipped.Deb("edgeagent"), "/tmp/edgeagent.deb");
        root.Put(await NextVersionAsync(Shipped.Deb("edgeagent"), work), "/tmp/edgeagent-next.deb");
        await root.RequireAsync("dpkg -i /tmp/edgeagent.deb");
        await WriteStateAsync(root);
        await root.RequireAsync("sed -i 's|mqtt://127.0.0.1:1883|mqtts://hub.example.org:8883|' /etc/edgeagent/agent.json");

        await root.RequireAsync("dpkg -i /tmp/edgeagent-next.deb");

        Assert.Equal($"{Shipped.Version}+1", (await root.RequireAsync("dpkg-query -W -f='${Version}' edgeagent")).Trim());
        Assert.Contains("mqtts://hub.example.org:8883", await File.ReadAllTextAsync(root.In("/etc/edgeagent/agent.json")), StringComparison.Ordinal);
        Assert.False(File.Exists(root.In("/etc/edgeagent/agent.json.dpkg-new")), "the package's conffile did not change: nothing to offer");
        await AssertStateKeptAsync(root);
        await root.RequireAsync("test -L /etc/systemd/system/multi-user.target.wants/edgeagent.service");
    }

    [SkippableFact]
    public async Task RemoveThenPurge_RemoveKeepsTheState_PurgeRemovesStateAndUser()
    {
        Skip.If(WhyNot is not null, WhyNot);
        using var root = await DebianRoot.CreateAsync();
        root.Put(Shipped.Deb("edgeagent"), "/tmp/edgeagent.deb");
        await root.RequireAsync("dpkg -i /tmp/edgeagent.deb");
        await WriteStateAsync(root);

        await root.RequireAsync("dpkg -r edgeagent");

        Assert.False(File.Exists(root.In("/usr/lib/edgeagent/edgeagent")));
        Assert.False(File.Exists(root.In("/usr/lib/systemd/system/edgeagent.service")));
        Assert.True(File.Exists(root.In("/etc/edgeagent/agent.json")), "removal keeps the configuration");
        await AssertStateKeptAsync(root);

        await root.RequireAsync("dpkg -P edgeagent");

        Assert.False(Directory.Exists(root.In(State)), "purge deletes the ledger, outbox and keys");
        Assert.False(Directory.Exists(root.In("/etc/edgeagent")), "purge deletes agent.json and provisioned.json");
        Assert.NotEqual(0, (await root.RunAsync("getent passwd edgeagent")).Code);
        Assert.NotEqual(0, (await root.RunAsync("getent group edgeagent")).Code);
        Assert.Equal(0, (await root.RunAsync("getent group gpio")).Code); // the bus groups stay for others
        Assert.NotEqual(0, (await root.RunAsync("dpkg -s edgeagent")).Code);
    }

    // What a provisioned agent keeps: its key, ledger/outbox, and provisioned.json, owned by the agent's user.
    private static Task WriteStateAsync(DebianRoot root) => root.RequireAsync(
        $"install -d -o edgeagent -g edgeagent -m 0700 {State} && " +
        $"echo 'fake key' > {State}/device-key.pem && echo 'fake ledger' > {State}/outbox.db && " +
        $"chown edgeagent:edgeagent {State}/* && chmod 0600 {State}/* && " +
        "echo '{ \"Hardware\": { \"Product\": \"smart-glasses\" } }' > /etc/edgeagent/provisioned.json");

    private static async Task AssertStateKeptAsync(DebianRoot root)
    {
        Assert.Equal("fake key\n", await File.ReadAllTextAsync(root.In($"{State}/device-key.pem")));
        Assert.Equal("fake ledger\n", await File.ReadAllTextAsync(root.In($"{State}/outbox.db")));
        Assert.Contains("smart-glasses", await File.ReadAllTextAsync(root.In("/etc/edgeagent/provisioned.json")), StringComparison.Ordinal);
        Assert.Equal("700 edgeagent:edgeagent", (await root.RequireAsync($"stat -c '%a %U:%G' {State}")).Trim());
        Assert.Equal(0, (await root.RunAsync("getent passwd edgeagent")).Code);
    }

    // The same package rebuilt as version+1 (only the control file's Version changes), as the next release would be.
    private static async Task<string> NextVersionAsync(string deb, TempDirectory work)
    {
        var tree = work.Combine("tree");
        await DebianRoot.Host("dpkg-deb", ["-R", deb, tree]);
        var control = Path.Combine(tree, "DEBIAN", "control");
        var text = await File.ReadAllTextAsync(control);
        await File.WriteAllTextAsync(control, text.Replace($"Version: {Shipped.Version}\n", $"Version: {Shipped.Version}+1\n", StringComparison.Ordinal));
        var next = work.Combine("next.deb");
        await DebianRoot.Host("dpkg-deb", ["-Zgzip", "-b", tree, next]);
        return next;
    }

    private static string Passwd(string line)
    {
        var fields = line.Trim().Split(':');
        return $"{fields[0]}:{fields[5]}:{fields[6]}";
    }
}
