using Xunit.Abstractions;
using Xunit.Sdk;

namespace Notify.Tests.Security;

/// <summary>Marks the test that checks what every other test of its class left behind: it runs after them.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RunLastAttribute : Attribute;

/// <summary>Runs a class's tests in xunit's usual order, except those marked <see cref="RunLastAttribute"/>, which run last.</summary>
public sealed class RunLastOrderer : ITestCaseOrderer
{
    public const string TypeName = "Notify.Tests.Security.RunLastOrderer";
    public const string AssemblyName = "Notify.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases.OrderBy(c => c.TestMethod.Method.GetCustomAttributes(typeof(RunLastAttribute).AssemblyQualifiedName).Any());
}
