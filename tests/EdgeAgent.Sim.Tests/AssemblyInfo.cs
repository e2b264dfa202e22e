// edgesim runs on Linux (file modes, setrlimit, /proc), and so do its tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
