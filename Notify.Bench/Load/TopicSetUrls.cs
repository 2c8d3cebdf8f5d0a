namespace Notify.Bench.Load;

/// <summary>How a hub is asked for one stream of several topics.</summary>
internal enum TopicSetStyle
{
    /// <summary>Notify: <c>GET /topics?topic=a&amp;topic=b</c>.</summary>
    Query,

    /// <summary>nchan with <c>nchan_channel_id_split_delimiter ","</c> (Peers/nchan.conf): <c>GET /topics/a,b</c>.</summary>
    CommaPath,
}

/// <summary>The URL of one stream of several topics, in the hub's <see cref="TopicSetStyle"/>.</summary>
internal static class TopicSetUrls
{
    public static Uri For(Uri topicsUrl, TopicSetStyle style, IReadOnlyList<string> topics)
    {
        var root = topicsUrl.ToString().TrimEnd('/');
        return style switch
        {
            TopicSetStyle.Query => new Uri($"{root}?{string.Join('&', topics.Select(t => "topic=" + Uri.EscapeDataString(t)))}"),
            TopicSetStyle.CommaPath => new Uri($"{root}/{string.Join(',', topics.Select(Uri.EscapeDataString))}"),
            _ => throw new ArgumentOutOfRangeException(nameof(style), style, "No such style."),
        };
    }

    /// <summary>Parses a style's command-line name: <c>query</c> or <c>comma-path</c>.</summary>
    public static bool TryParse(string name, out TopicSetStyle style)
    {
        style = name switch
        {
            "query" => TopicSetStyle.Query,
            "comma-path" => TopicSetStyle.CommaPath,
            _ => (TopicSetStyle)(-1),
        };
        return Enum.IsDefined(style);
    }
}
