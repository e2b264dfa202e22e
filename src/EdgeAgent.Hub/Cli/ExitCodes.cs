namespace EdgeAgent.Hub.Cli;

/// <summary>Exit codes of every verb.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
}
