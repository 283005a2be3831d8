namespace Ptvsd.Testing;

/// <summary>Marks tests that start <c>dotnet publish</c>, Python or nginx: <c>dotnet test --filter "Category!=Slow"</c> leaves them out for a quick loop, <c>./build.sh test</c> runs everything.</summary>
public static class TestCategories
{
    /// <summary>The xunit trait name: <c>[Trait(TestCategories.Category, TestCategories.Slow)]</c>.</summary>
    public const string Category = "Category";

    /// <summary>The trait value of a slow test.</summary>
    public const string Slow = "Slow";
}
