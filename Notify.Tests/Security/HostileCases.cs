namespace Notify.Tests.Security;

/// <summary>Every raw hostile request, by name (xunit shows one test per name).</summary>
internal static class HostileCases
{
    private static readonly Dictionary<string, HostileCase> ByName =
        new[] { HeaderCases.All, FieldCases.All, PathAndMethodCases.All, SmugglingCases.All }
            .SelectMany(cases => cases)
            .ToDictionary(c => c.Name, StringComparer.Ordinal);

    public static TheoryData<string> Names => [.. ByName.Keys];

    public static HostileCase Named(string name) => ByName[name];
}
