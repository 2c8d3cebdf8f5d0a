using Microsoft.Extensions.Options;
using Notify.Grains;

namespace Notify.Api.Limits;

/// <summary>This silo's open SSE connections, at most <see cref="LimitOptions.MaxConnections"/>.</summary>
public sealed class SiloConnections(IOptions<LimitOptions> options) : Capacity(options.Value.MaxConnections);
