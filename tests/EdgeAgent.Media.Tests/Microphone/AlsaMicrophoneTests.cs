using System.Buffers.Binary;
using System.Runtime.InteropServices;
using EdgeAgent.Core.Audio;
using EdgeAgent.Media.Microphone;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Media.Tests.Microphone;

/// <summary>
/// Real ALSA captures, no sound card: the test's own ALSA configuration (ALSA_CONFIG_PATH) defines a PCM of type
/// <c>file</c> whose <c>infile</c> is a raw 16 kHz S16_LE file, over a <c>null</c> slave, so libasound's capture path
/// (open, set_params, readi) reads the file's samples. Skipped, and reported so, where libasound2 is not installed.
/// </summary>
[Collection(AlsaConfigurationGroup.Name)]
public sealed partial class AlsaMicrophoneTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [SkippableFact]
    public async Task ReadAsync_FromAFilePcm_YieldsWindowsEqualToTheFilesSamples()
    {
        var samples = Enumerable.Range(0, 8_000).Select(i => (short)((i * 37 % 65_536) - 32_768)).ToArray();
        samples[0] = short.MinValue;
        samples[1] = short.MaxValue;
        samples[2] = 0;
        var device = Configure(samples);
        var microphone = new AlsaMicrophone(new AlsaMicrophoneOptions { Device = device, Window = TimeSpan.FromMilliseconds(100) });

        var clips = new List<AudioClip>();
        await foreach (var clip in microphone.ReadAsync(CancellationToken.None))
        {
            clips.Add(clip);
            if (clips.Count == 5)
            {
                break; // 5 x 1600 samples: the whole file
            }
        }

        Assert.All(clips, c => Assert.Equal((1_600, 16_000, 1, 16), (c.Samples.Length, c.SourceSampleRate, c.SourceChannels, c.SourceBitsPerSample)));
        Assert.Equal(samples.Select(s => s / 32768f), clips.SelectMany(c => c.Samples));
        Assert.Equal(-1f, clips[0].Samples[0]);
        Assert.Equal(0, microphone.Recoveries);
    }

    [SkippableFact]
    public async Task ReadAsync_Cancelled_StopsAndClosesTheDevice()
    {
        var device = Configure(new short[16_000]);
        var microphone = new AlsaMicrophone(new AlsaMicrophoneOptions { Device = device, Window = TimeSpan.FromMilliseconds(50) });
        using var stop = new CancellationTokenSource();

        var count = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var clip in microphone.ReadAsync(stop.Token))
            {
                if (++count == 2)
                {
                    await stop.CancelAsync();
                }
            }
        });

        Assert.Equal(2, count);

        // Closed: the same PCM opens again.
        await foreach (var clip in microphone.ReadAsync(CancellationToken.None))
        {
            Assert.Equal(800, clip.Samples.Length);
            break;
        }
    }

    [SkippableFact]
    public async Task ReadAsync_DeviceThatDoesNotExist_NamesItAndWhatToCheck()
    {
        Configure([0]);
        var microphone = new AlsaMicrophone(new AlsaMicrophoneOptions { Device = "hw:97,0" });

        var e = await Assert.ThrowsAsync<IOException>(async () =>
        {
            await foreach (var clip in microphone.ReadAsync(CancellationToken.None))
            {
            }
        });

        Assert.StartsWith("microphone hw:97,0: cannot open the ALSA capture device: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("arecord -l", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(61_000)]
    public void Constructor_WindowOutOfRange_NamesTheOption(int milliseconds)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new AlsaMicrophone(new AlsaMicrophoneOptions { Window = TimeSpan.FromMilliseconds(milliseconds) }));

        Assert.Contains("Microphone Window must be 10 ms to 60 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WindowNotAWholeNumberOfSamples_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlsaMicrophone(new AlsaMicrophoneOptions { Window = TimeSpan.FromTicks(100_001) }));
    }

    [Fact]
    public void Source_IsLiveAndNamedAfterTheDevice()
    {
        var microphone = new AlsaMicrophone(new AlsaMicrophoneOptions { Device = "plughw:1,0" });

        Assert.True(microphone.IsLive);
        Assert.Equal("alsa:plughw:1,0", microphone.Name);
    }

    /// <summary>Writes the raw file and an ALSA configuration with a PCM reading it; points libasound at it. Skips without libasound.</summary>
    private string Configure(short[] samples)
    {
        Skip.IfNot(NativeLibrary.TryLoad("libasound.so.2", out var handle),
            "libasound.so.2 is not installed: the build must install the Debian package libasound2 (libasound2t64 on Debian 13) for the ALSA capture tests");
        NativeLibrary.Free(handle);

        var raw = _dir.Combine("input.raw");
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), samples[i]);
        }

        File.WriteAllBytes(raw, bytes);
        var config = _dir.Combine("asound.conf");
        File.WriteAllText(config, $$"""
            pcm.edgeagent_file {
                type file
                slave.pcm "edgeagent_null"
                file "/dev/null"
                infile "{{raw}}"
                format "raw"
            }
            pcm.edgeagent_null {
                type null
            }
            """);

        // libasound reads ALSA_CONFIG_PATH with getenv; .NET's Environment.SetEnvironmentVariable does not reach it.
        Assert.Equal(0, SetEnv("ALSA_CONFIG_PATH", config, 1));
        return "edgeagent_file";
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}

/// <summary>The ALSA tests change the process's ALSA_CONFIG_PATH: they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AlsaConfigurationGroup
{
    public const string Name = "ALSA configuration";
}
