using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hub.Web;

/// <summary>The REST API's and dashboard's log catalog (event ids 6xxx).</summary>
internal static partial class Log
{
    [LoggerMessage(6000, LogLevel.Information, "User {User} ({Role}) logged in from {Address}")]
    public static partial void LoggedIn(ILogger logger, string user, string role, string address);

    [LoggerMessage(6001, LogLevel.Warning, "Failed login for {User} from {Address}")]
    public static partial void LoginFailed(ILogger logger, string user, string address);

    [LoggerMessage(6002, LogLevel.Warning, "Login attempt for {User} from {Address} refused: too many failures (rate limit)")]
    public static partial void LoginThrottled(ILogger logger, string user, string address);

    [LoggerMessage(6003, LogLevel.Warning, "Refused {User}: {Method} {Path} -> {Status}: {Reason}")]
    public static partial void AccessRefused(ILogger logger, string user, string method, string path, int status, string reason);

    [LoggerMessage(6004, LogLevel.Information, "User {User} logged out")]
    public static partial void LoggedOut(ILogger logger, string user);

    [LoggerMessage(6005, LogLevel.Information, "Admin {Admin} {Action} account {User}")]
    public static partial void AccountChanged(ILogger logger, string admin, string action, string user);

    [LoggerMessage(6006, LogLevel.Warning, "Login attempts from {Address} refused by the per-address rate limit")]
    public static partial void AddressThrottled(ILogger logger, string address);
}
