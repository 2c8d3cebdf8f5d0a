using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Notify.Tests.Security;

namespace Notify.Tests.Fixtures;

/// <summary>
/// A secured app (<see cref="SecuredNotifyApp"/>) whose only logging provider keeps every entry at every level, to check
/// what reaches the logs: client text, bad input, tokens.
/// </summary>
public sealed class LoggedNotifyApp() : SecuredNotifyApp(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" })
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders(); // not the console: everything at Trace would flood the test output
            logging.AddProvider(Logs);
        });
    }
}
