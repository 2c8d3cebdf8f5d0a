using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notify.Api.Hosting;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Diagnostics;

/// <summary>
/// The Orleans watchdog logs at its default level: its one false start-up warning is dropped, its real stall
/// warnings are not.
/// </summary>
public sealed class WatchdogStartRaceTests(LoggedNotifyApp app) : IClassFixture<LoggedNotifyApp>
{
    // The watchdog's two stall warnings, as Orleans 10.4.2 defines them.
    private static readonly Action<ILogger, TimeSpan, Exception?> ParticipantStall = LoggerMessage.Define<TimeSpan>(
        LogLevel.Warning,
        new EventId(100619, "SiloHeartbeatTimerStalled"),
        "Participant check thread has not completed for {TimeSinceLastTick}, potentially indicating lock contention or deadlock, CPU starvation, or another execution anomaly.");

    private static readonly Action<ILogger, TimeSpan, TimeSpan, Exception?> PlatformStall = LoggerMessage.Define<TimeSpan, TimeSpan>(
        LogLevel.Warning,
        new EventId(100619, "SiloHeartbeatTimerStalled"),
        ".NET Runtime Platform stalled for {TimeSinceLastTick}. Total GC Pause duration during that period: {PauseDurationSinceLastTick}.");

    [Fact]
    public void TheWatchdogsLogger_DropsAParticipantStallLongerThanTheProcessHasRun_AndPassesRealStalls()
    {
        app.ExpectWarnings(entry => entry.Category == WatchdogStartRace.Category); // this test's own
        var logger = (ILogger)app.Services.GetRequiredService(typeof(ILogger<>).MakeGenericType(WatchdogStartRace.WatchdogType));
        var uptimeLikeStall = TimeSpan.FromDays(3) + TimeSpan.FromMilliseconds(Random.Shared.Next(1000)); // the false one: the clock was never started
        var realStall = TimeSpan.FromMilliseconds(500.125); // within the life of this process, which started an app

        ParticipantStall(logger, uptimeLikeStall, null);
        ParticipantStall(logger, realStall, null);
        PlatformStall(logger, uptimeLikeStall, TimeSpan.Zero, null);

        var logged = app.Logs.Entries.Where(entry => entry.Category == WatchdogStartRace.Category).Select(entry => entry.Message).ToList();
        Assert.Equal(2, logged.Count);
        Assert.StartsWith($"Participant check thread has not completed for {realStall}", logged[0], StringComparison.Ordinal);
        Assert.StartsWith($".NET Runtime Platform stalled for {uptimeLikeStall}", logged[1], StringComparison.Ordinal);
        Assert.DoesNotContain(logged, message => message.Contains(uptimeLikeStall.ToString(), StringComparison.Ordinal) && message.StartsWith("Participant", StringComparison.Ordinal));
    }

    [Fact]
    public void OnlyTheWatchdogsParticipantStallWarning_IsEverDropped()
    {
        var farTooLong = TimeSpan.FromDays(3);
        Assert.True(WatchdogStartRace.IsFalseStall(LogLevel.Warning, Values("Participant check thread has not completed for {TimeSinceLastTick}", farTooLong)));
        Assert.False(WatchdogStartRace.IsFalseStall(LogLevel.Warning, Values("Participant check thread has not completed for {TimeSinceLastTick}", TimeSpan.FromSeconds(1))));
        Assert.False(WatchdogStartRace.IsFalseStall(LogLevel.Error, Values("Participant check thread has not completed for {TimeSinceLastTick}", farTooLong)));
        Assert.False(WatchdogStartRace.IsFalseStall(LogLevel.Warning, Values(".NET Runtime Platform stalled for {TimeSinceLastTick}", farTooLong)));
        Assert.False(WatchdogStartRace.IsFalseStall(LogLevel.Warning, "Participant check thread has not completed for 3.00:00:00"));
    }

    private static List<KeyValuePair<string, object?>> Values(string format, TimeSpan stall) =>
        [new("TimeSinceLastTick", stall), new("{OriginalFormat}", format)];
}
