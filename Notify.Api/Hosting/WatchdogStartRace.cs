using System.Diagnostics;

namespace Notify.Api.Hosting;

/// <summary>
/// Orleans 10.4.2's silo watchdog starts its platform thread before it starts the clock of its participant check, so on
/// a busy machine the first check can read a clock that was never started and warn "Participant check thread has not
/// completed for <i>the machine's uptime</i>". That one warning is false, and it made every fourth start or so of a
/// silo log a warning. This drops exactly that entry (a participant check "stalled" for longer than this process has
/// existed) and passes every other watchdog entry through, so real stalls still warn.
/// </summary>
public static class WatchdogStartRace
{
    /// <summary>The watchdog's logger category (its type is internal to Orleans).</summary>
    public const string Category = "Orleans.Runtime.Watchdog";

    /// <summary>The watchdog's type, internal to Orleans: the silo's own assembly holds it.</summary>
    public static readonly Type WatchdogType = typeof(Orleans.Runtime.Silo).Assembly.GetType("Orleans.Runtime.Watchdog", throwOnError: true)!;

    private const string ParticipantStallMessage = "Participant check thread has not completed";
    private static readonly DateTime ProcessStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();

    /// <summary>Gives the Orleans watchdog a logger that drops its false start-up warning.</summary>
    public static IServiceCollection AddWatchdogStartRaceFilter(this IServiceCollection services)
    {
        var filtered = typeof(FilteredLogger<>).MakeGenericType(WatchdogType);
        services.AddSingleton(
            typeof(ILogger<>).MakeGenericType(WatchdogType),
            provider => Activator.CreateInstance(filtered, provider.GetRequiredService<ILoggerFactory>().CreateLogger(Category))!);
        return services;
    }

    /// <summary>Whether an entry is the false warning: a participant check "stalled" for longer than the process has run.</summary>
    public static bool IsFalseStall<TState>(LogLevel level, TState state)
    {
        if (level != LogLevel.Warning || state is not IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            return false;
        }

        var isParticipantStall = false;
        TimeSpan? stalled = null;
        foreach (var (key, value) in values)
        {
            if (key == "{OriginalFormat}" && value is string format)
            {
                isParticipantStall = format.StartsWith(ParticipantStallMessage, StringComparison.Ordinal);
            }
            else if (value is TimeSpan duration)
            {
                stalled = duration;
            }
        }

        return isParticipantStall && stalled > DateTime.UtcNow - ProcessStart;
    }

    // The watchdog's ILogger<Watchdog>: the logger of its category, with only its Log call filtered.
    private sealed class FilteredLogger<TCategory>(ILogger inner) : ILogger<TCategory>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsFalseStall(logLevel, state))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
