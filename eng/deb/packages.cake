// Debian packages of edgeagent and edgehub: loaded by build.cake (#load), which defines the shared helpers used here
// (PublishApp, RequireSuccess-style checks, EnsureAptPackages, Capture, artifacts, repoRoot).
//
//   ./build.sh --target=Package        edgeagent_<version>_{amd64,arm64}.deb and edgehub_<version>_{amd64,arm64}.deb in
//                                       artifacts/packages/, each checked with lintian (tags printed, errors fail)
//   ./build.sh --target=PackageAmd64   the amd64 pair only, without lintian: what the package tests install
//
// Layout of edgeagent (edgehub alike, without models, hardware and udev):
//   /usr/lib/edgeagent/                 the whole publish folder (self-contained .NET or NativeAOT, whatever Publish made)
//   /usr/lib/edgeagent/{models,hardware} -> ../../share/edgeagent/{models,hardware} (found beside the program)
//   /usr/bin/edgeagent                  -> ../lib/edgeagent/edgeagent
//   /usr/share/edgeagent/models/        catalog.json, selftest/, .cache/ (the model files fetched by the Models target)
//   /usr/share/edgeagent/hardware/      boards/, products/, schema/
//   /usr/lib/systemd/system/edgeagent.service, /usr/lib/udev/rules.d/60-edgeagent.rules (from hardware/)
//   /etc/edgeagent/agent.json           the default configuration, a conffile
//   /usr/share/doc/edgeagent/           copyright, changelog.gz, README.md
//   DEBIAN/                             control, conffiles, md5sums, postinst, prerm, postrm (eng/deb/edgeagent/)

// Who the packages say they come from: a device maker building its own packages sets these.
var DebMaintainer = "EdgeAgent packaging <packages@edgeagent.example.com>";
var DebHomepage = "https://edgeagent.example.com/";

sealed record DebArch(string Rid, string Arch);

// dpkg-deb compression. The packages that ship: xz, the smallest (devices on slow links) and read by every dpkg. The
// amd64 pair the tests install: gzip, the same files four times faster to pack (about 26 s against 100 s and more
// for 130 MB on this 2-core machine). zstd would sit between, but a dpkg before 1.21.18 (bullseye) cannot read it.
var DebRelease = "-Zxz -z6";
var DebForTests = "-Zgzip -z6";

var DebArches = new[] { new DebArch("linux-x64", "amd64"), new DebArch("linux-arm64", "arm64") };

Task("Package")
    .Description("Debian packages edgeagent_<version>_{amd64,arm64}.deb and edgehub_<version>_{amd64,arm64}.deb in artifacts/packages/ (publishes each first), checked with lintian.")
    .IsDependentOn("Models")
    .Does(() =>
    {
        var debs = BuildDebs(DebArches, DebRelease);
        RunLintian(debs);
    });

Task("PackageAmd64")
    .Description("The amd64 Debian packages only (what the package tests install), without lintian.")
    .IsDependentOn("Models")
    .Does(() =>
    {
        // The package tests build a Debian root with debootstrap.
        EnsureAptPackages("the package tests", "debootstrap");
        BuildDebs(DebArches.Where(a => a.Arch == "amd64"), DebForTests);
    });

List<FilePath> BuildDebs(IEnumerable<DebArch> arches, string compression)
{
    var version = DebVersion();
    var output = artifacts.Combine("packages");
    EnsureDirectoryExists(output);
    var cache = repoRoot.Combine("models/.cache");
    if (!DirectoryExists(cache))
    {
        throw new CakeException($"{cache} is missing: the Models target fetches the model files the package ships.");
    }

    var debs = new List<FilePath>();
    foreach (var arch in arches)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        PublishApp("src/EdgeAgent.Device", "edgeagent", arch.Rid);
        PublishApp("src/EdgeAgent.Hub", "edgehub", arch.Rid);
        var published = watch.Elapsed;
        debs.Add(BuildDeb("edgeagent", version, arch, output, compression));
        debs.Add(BuildDeb("edgehub", version, arch, output, compression));
        Information($"{arch.Arch}: published in {published.TotalSeconds:F0} s, packaged in {(watch.Elapsed - published).TotalSeconds:F0} s");
    }

    return debs;
}

// Directory.Build.props <Version>: the package version (a native package: no Debian revision).
string DebVersion()
{
    var props = System.Xml.Linq.XDocument.Load(repoRoot.CombineWithFilePath("Directory.Build.props").FullPath);
    var version = props.Descendants("Version").Select(v => v.Value.Trim()).FirstOrDefault(v => v.Length > 0);
    if (version is null || !System.Text.RegularExpressions.Regex.IsMatch(version, "^[0-9][A-Za-z0-9.+~]*$"))
    {
        throw new CakeException($"Directory.Build.props: <Version> '{version}' is not a Debian version (digits first, then A-Z a-z 0-9 . + ~).");
    }

    return version;
}

FilePath BuildDeb(string package, string version, DebArch arch, DirectoryPath output, string compression)
{
    var root = artifacts.Combine($"packages/staging/{package}_{arch.Arch}");
    EnsureDirectoryDoesNotExist(root, new DeleteDirectorySettings { Recursive = true, Force = true });
    var debSource = repoRoot.Combine($"eng/deb/{package}");
    string In(string path) => root.Combine(path).FullPath;

    // The app: the whole publish folder, whatever it holds (self-contained or NativeAOT).
    var app = $"usr/lib/{package}";
    StageTree(artifacts.Combine($"publish/{arch.Rid}/{package}").FullPath, In(app));
    StageLink(In("usr/bin"), package, $"../lib/{package}/{package}");
    StageFile(repoRoot.CombineWithFilePath($"hardware/systemd/{package}.service").FullPath, In($"usr/lib/systemd/system/{package}.service"));

    var conffiles = new List<string>();
    if (package == "edgeagent")
    {
        var share = "usr/share/edgeagent";
        StageFile(repoRoot.CombineWithFilePath("models/catalog.json").FullPath, In($"{share}/models/catalog.json"));
        StageTree(repoRoot.Combine("models/selftest").FullPath, In($"{share}/models/selftest"));
        StageTree(repoRoot.Combine("models/.cache").FullPath, In($"{share}/models/.cache"));
        foreach (var folder in new[] { "boards", "products", "schema" })
        {
            StageTree(repoRoot.Combine($"hardware/{folder}").FullPath, In($"{share}/hardware/{folder}"));
        }

        // Beside the program, where `edgeagent infer`, `models` and `doctor` look when no path is given.
        foreach (var folder in new[] { "models", "hardware" })
        {
            if (!System.IO.Directory.Exists(In($"{app}/{folder}")))
            {
                StageLink(In(app), folder, $"../../share/edgeagent/{folder}");
            }
        }

        StageFile(repoRoot.CombineWithFilePath("hardware/udev/60-edgeagent.rules").FullPath, In("usr/lib/udev/rules.d/60-edgeagent.rules"));
        StageFile(debSource.CombineWithFilePath("agent.json").FullPath, In("etc/edgeagent/agent.json"));
        conffiles.Add("/etc/edgeagent/agent.json");
    }
    else
    {
        StageFile(debSource.CombineWithFilePath("edgehub.default").FullPath, In("etc/default/edgehub"));
        conffiles.Add("/etc/default/edgehub");
    }

    // Documentation and the lintian overrides (each with its reason).
    var doc = $"usr/share/doc/{package}";
    StageFile(repoRoot.CombineWithFilePath("eng/deb/copyright").FullPath, In($"{doc}/copyright"));
    StageFile(repoRoot.CombineWithFilePath("README.md").FullPath, In($"{doc}/README.md"));
    StageChangelog(package, version, In($"{doc}/changelog.gz"));
    StageFile(debSource.CombineWithFilePath("lintian-overrides").FullPath, In($"usr/share/lintian/overrides/{package}"));

    // DEBIAN/: control (with the installed size), conffiles, md5sums and the maintainer scripts.
    var control = In("DEBIAN");
    System.IO.Directory.CreateDirectory(control);
    foreach (var script in new[] { "postinst", "prerm", "postrm" })
    {
        StageFile(debSource.CombineWithFilePath(script).FullPath, System.IO.Path.Combine(control, script), executable: true);
    }

    System.IO.File.WriteAllText(System.IO.Path.Combine(control, "conffiles"), string.Join("\n", conffiles) + "\n");
    var md5sums = new System.Text.StringBuilder();
    long bytes = 0;
    var files = 0;
    // Links are listed, never followed (usr/lib/edgeagent/models points into usr/share).
    var walk = new System.IO.EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = System.IO.FileAttributes.ReparsePoint };
    bytes += 1024 * System.IO.Directory.EnumerateFileSystemEntries(root.FullPath, "*", new System.IO.EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
        .Count(f => new System.IO.FileInfo(f).LinkTarget is not null); // a link: one block, as dpkg-gencontrol counts it
    foreach (var file in System.IO.Directory.EnumerateFileSystemEntries(root.FullPath, "*", walk)
                 .Where(f => !f.StartsWith(control + "/", StringComparison.Ordinal)).OrderBy(f => f, StringComparer.Ordinal))
    {
        var info = new System.IO.FileInfo(file);
        if (info.Attributes.HasFlag(System.IO.FileAttributes.Directory))
        {
            bytes += 1024; // a directory: one block
            continue;
        }

        files++;
        bytes += (info.Length + 1023) / 1024 * 1024;
        using var stream = System.IO.File.OpenRead(file);
        var hash = Convert.ToHexString(System.Security.Cryptography.MD5.HashData(stream)).ToLowerInvariant();
        md5sums.Append(hash).Append("  ").Append(System.IO.Path.GetRelativePath(root.FullPath, file)).Append('\n');
    }

    System.IO.File.WriteAllText(System.IO.Path.Combine(control, "md5sums"), md5sums.ToString());
    System.IO.File.WriteAllText(System.IO.Path.Combine(control, "control"), DebControl(package, version, arch.Arch, bytes / 1024));

    var deb = output.CombineWithFilePath($"{package}_{version}_{arch.Arch}.deb");
    var exitCode = StartProcess("dpkg-deb", new ProcessSettings
    {
        Arguments = $"--root-owner-group {compression} --build {root.FullPath} {deb.FullPath}",
        // Reproducible: every file's time is clamped to the commit's.
        EnvironmentVariables = new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = CommitEpoch() },
    });
    if (exitCode != 0)
    {
        throw new CakeException($"dpkg-deb --build {root} failed with exit code {exitCode}");
    }

    Information($"{deb.GetFilename()}: {new System.IO.FileInfo(deb.FullPath).Length / 1048576.0:F1} MB ({files} files, {bytes / 1048576.0:F1} MB installed)");
    EnsureDirectoryDoesNotExist(root, new DeleteDirectorySettings { Recursive = true, Force = true });
    return deb;
}

string DebControl(string package, string version, string arch, long installedKib)
{
    // Libraries: the ELF files need libc (GLIBC_2.28 at most), libgcc_s and libstdc++ (GLIBCXX_3.4.22); .NET dlopens
    // libssl.so.3 (TLS, keys). The agent also dlopens libasound.so.2 (microphone) and libgpiod.so.2 or .3 (LED,
    // button). ICU is not needed (InvariantGlobalization), nor zlib (the runtime carries zlib-ng). Each alternative
    // after '|' is the name trixie gives the same library (the 64-bit time_t transition).
    var common = "libc6 (>= 2.28), libgcc-s1, libstdc++6 (>= 6), libssl3 | libssl3t64, adduser";
    var fields = package == "edgeagent"
        ? new[]
        {
            ("Depends", $"{common}, libasound2 | libasound2t64, libgpiod2 | libgpiod3"),
            ("Recommends", "systemd, udev"),
            ("Suggests", "edgehub"),
            ("Description", "device agent of EdgeAgent for smart terminals and robots\n" +
                " The agent runs ONNX models in-process on live sensor input (camera,\n" +
                " microphone, I2C sensors, GNSS), keeps a signed, hash-chained ledger of\n" +
                " usage, activation and field-trial records, and delivers it over MQTT to\n" +
                " the city hub (edgehub).\n" +
                " .\n" +
                " The package ships the self-contained agent, the model catalog with its\n" +
                " model files, the board and product profiles, a hardened systemd unit\n" +
                " (started once the device is provisioned with `edgeagent provision`) and\n" +
                " udev rules giving the GPIO, I2C, SPI, camera, sound and serial devices to\n" +
                " the agent's groups."),
        }
        : new[]
        {
            ("Depends", common),
            ("Recommends", "systemd"),
            ("Suggests", "chromium"),
            ("Description", "EdgeAgent city hub: MQTT broker, ingestion, reports and dashboard\n" +
                " The hub runs an embedded MQTT broker (or consumes from one), verifies\n" +
                " every record batch the devices send against their enrolled keys, stores\n" +
                " it in SQLite, and serves a REST API and dashboard with the evidence\n" +
                " reports (sales award, pilot, compute voucher) and the auditor bundles.\n" +
                " .\n" +
                " The package ships the self-contained hub and a hardened systemd unit\n" +
                " whose options live in /etc/default/edgehub. Chromium prints the PDF\n" +
                " reports."),
        };
    var control = new System.Text.StringBuilder();
    control.Append($"Package: {package}\nVersion: {version}\nArchitecture: {arch}\nMaintainer: {DebMaintainer}\nInstalled-Size: {installedKib}\n");
    foreach (var (name, value) in fields.Where(f => f.Item1 != "Description"))
    {
        control.Append($"{name}: {value}\n");
    }

    control.Append($"Section: misc\nPriority: optional\nHomepage: {DebHomepage}\n");
    control.Append($"Description: {fields.Single(f => f.Item1 == "Description").Item2}\n");
    return control.ToString();
}

// A native package's changelog: one entry for this version, dated with the commit (reproducible).
void StageChangelog(string package, string version, string path)
{
    var commit = Capture("git", "log -1 --format=%h").Output;
    var date = Capture("git", "log -1 --format=%aD").Output;
    var text = $"{package} ({version}) unstable; urgency=medium\n\n  * Built from commit {commit} of EdgeAgent.\n\n -- {DebMaintainer}  {date}\n";
    System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path));
    using (var file = System.IO.File.Create(path))
    using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.SmallestSize))
    {
        gzip.Write(System.Text.Encoding.UTF8.GetBytes(text));
    }

    SetMode(path, executable: false);
}

string CommitEpoch() => Capture("git", "log -1 --format=%ct").Output;

// Copies a tree: directories 0755; programs (ELF executables, scripts) 0755; everything else 0644 (the publish folder
// marks its .dll files executable, which they are not).
void StageTree(string source, string target)
{
    if (!System.IO.Directory.Exists(source))
    {
        throw new CakeException($"{source} is missing");
    }

    foreach (var dir in System.IO.Directory.EnumerateDirectories(source, "*", System.IO.SearchOption.AllDirectories).Prepend(source))
    {
        var made = System.IO.Path.Combine(target, System.IO.Path.GetRelativePath(source, dir));
        System.IO.Directory.CreateDirectory(made);
    }

    foreach (var file in System.IO.Directory.EnumerateFiles(source, "*", System.IO.SearchOption.AllDirectories))
    {
        StageFile(file, System.IO.Path.Combine(target, System.IO.Path.GetRelativePath(source, file)), IsProgram(file));
    }

    foreach (var dir in System.IO.Directory.EnumerateDirectories(target, "*", System.IO.SearchOption.AllDirectories).Prepend(target))
    {
        System.IO.File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
    }
}

bool IsProgram(string file)
{
    if (System.IO.Path.GetFileName(file).Contains(".so", StringComparison.Ordinal) || !System.IO.File.GetUnixFileMode(file).HasFlag(UnixFileMode.UserExecute))
    {
        return false;
    }

    var head = new byte[4];
    using var stream = System.IO.File.OpenRead(file);
    var read = stream.Read(head, 0, 4);
    return (read == 4 && head[0] == 0x7f && head[1] == (byte)'E' && head[2] == (byte)'L' && head[3] == (byte)'F') || (read >= 2 && head[0] == (byte)'#' && head[1] == (byte)'!');
}

void StageFile(string source, string target, bool executable = false)
{
    System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target));
    System.IO.File.Copy(source, target, overwrite: true);
    SetMode(target, executable);
}

void SetMode(string path, bool executable) =>
    System.IO.File.SetUnixFileMode(path, executable ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100);

void StageLink(string directory, string name, string target)
{
    System.IO.Directory.CreateDirectory(directory);
    System.IO.File.CreateSymbolicLink(System.IO.Path.Combine(directory, name), target);
}

// lintian on every package: the tags it raises are printed; an error or warning fails the build. What is overridden
// is in eng/deb/*/lintian-overrides, each with its reason (not shown here: with --show-overrides lintian 2.116 exits
// 2 on overridden errors).
void RunLintian(IEnumerable<FilePath> debs)
{
    EnsureAptPackages("checking the Debian packages", "lintian");
    var failed = new List<string>();
    foreach (var deb in debs)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var exitCode = StartProcess("lintian", new ProcessSettings
        {
            Arguments = $"--display-level \">=info\" --fail-on error,warning --tag-display-limit 0 {deb.FullPath}",
            RedirectStandardOutput = true,
        }, out var lines);
        var tags = lines.ToList();
        var overrides = System.IO.File.ReadAllLines(repoRoot.CombineWithFilePath($"eng/deb/{deb.GetFilename().ToString().Split('_')[0]}/lintian-overrides").FullPath)
            .Count(l => l.Length > 0 && !l.StartsWith('#'));
        Information($"lintian {deb.GetFilename()} ({watch.Elapsed.TotalSeconds:F0} s): {(tags.Count == 0 ? "clean" : $"{tags.Count} tag(s)")}, {overrides} override(s) with their reasons");
        foreach (var line in tags)
        {
            Information($"  {line}");
        }

        if (exitCode != 0)
        {
            failed.Add($"{deb.GetFilename()} (exit code {exitCode}): {string.Join("; ", tags.Where(t => t.StartsWith("E: ", StringComparison.Ordinal) || t.StartsWith("W: ", StringComparison.Ordinal)))}");
        }
    }

    if (failed.Count > 0)
    {
        throw new CakeException($"lintian found errors or warnings: {string.Join(" | ", failed)}");
    }
}
