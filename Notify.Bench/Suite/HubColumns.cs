namespace Notify.Bench.Suite;

/// <summary>The hubs as the document's columns: their order, their titles, and the ratios shown beside them.</summary>
internal static class HubColumns
{
    public static readonly string[] Order = ["notify", "cluster", "nchan", "nchan-redis"];

    public static readonly Dictionary<string, string> Titles = new(StringComparer.Ordinal)
    {
        ["notify"] = "Notify (1 silo)",
        ["cluster"] = "Notify cluster (3 silos + gateway + store)",
        ["nchan"] = "nchan",
        ["nchan-redis"] = "nchan + Redis",
    };

    /// <summary>The ratios shown: each Notify shape against nchan, and the durable cluster against the durable peer.</summary>
    private static readonly (string Hub, string Peer)[] RatioPairs = [("notify", "nchan"), ("cluster", "nchan"), ("cluster", "nchan-redis")];

    public static IEnumerable<(string Hub, string Peer)> Ratios(IReadOnlyList<string> hubs) =>
        RatioPairs.Where(pair => hubs.Contains(pair.Hub) && hubs.Contains(pair.Peer));

    /// <summary>A table's header: the row title's column, one per hub, then one per ratio when <paramref name="withRatios"/>.</summary>
    public static string Header(string first, IReadOnlyList<string> hubs, bool withRatios = true) =>
        $"| {first} | " + string.Join(" | ", hubs.Select(h => Titles[h])
            .Concat(withRatios ? Ratios(hubs).Select(pair => $"{Titles[pair.Hub]} / {Titles[pair.Peer]}") : [])) + " |";

    public static string Rule(IReadOnlyList<string> hubs, bool withRatios = true) =>
        "|---|" + string.Concat(hubs.Select(_ => "---:|").Concat(withRatios ? Ratios(hubs).Select(_ => "---:|") : []));
}
