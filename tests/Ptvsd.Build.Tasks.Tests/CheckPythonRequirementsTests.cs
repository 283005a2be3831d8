using Ptvsd.Build.Tasks.Tests.Support;

namespace Ptvsd.Build.Tasks.Tests;

/// <summary>The host installs from requirements.txt, so it has to name debugpy.</summary>
public sealed class CheckPythonRequirementsTests : IDisposable
{
    private const string RequirementsFileName = "requirements.txt";

    private readonly ProjectFolder _project = new();

    public void Dispose() => _project.Dispose();

    [Theory]
    [InlineData("flask\ndebugpy\n")]
    [InlineData("debugpy==1.6.6")]
    [InlineData("Flask>=3\r\nDebugPy>=1\r\n")]
    [InlineData("debugpy[extra]>=1.6 ; python_version >= '3.8'")]
    [InlineData("  debugpy  # the debugger the proxy relays to")]
    [InlineData("DEBUGPY")]
    public void A_file_that_names_debugpy_gets_no_warning(string requirements)
    {
        Assert.Empty(Check(requirements).Warnings);
    }

    [Theory]
    [InlineData("flask\ngunicorn\n")]
    [InlineData("")]
    [InlineData("# debugpy\nflask")]
    [InlineData("flask  # debugpy comes later")]
    [InlineData("debugpy-extra==2.0")]
    [InlineData("pydebugpy")]
    public void A_file_that_does_not_name_debugpy_gets_a_warning(string requirements)
    {
        var warning = Assert.Single(Check(requirements).Warnings);
        Assert.Equal("PTVSD1003", warning.Code);
        Assert.Equal(_project.File(RequirementsFileName), warning.File);
    }

    [Fact]
    public void No_file_gets_no_warning()
    {
        var run = FakeBuildEngine.Run(new CheckPythonRequirements { RequirementsFile = _project.File(RequirementsFileName) });

        Assert.True(run.Succeeded);
        Assert.Empty(run.Log.Warnings);
    }

    private FakeBuildEngine Check(string requirements)
    {
        var run = FakeBuildEngine.Run(new CheckPythonRequirements { RequirementsFile = _project.Write(RequirementsFileName, requirements) });
        Assert.True(run.Succeeded);
        return run.Log;
    }
}
