using Ptvsd.Build.Tasks.Tests.Support;

namespace Ptvsd.Build.Tasks.Tests;

/// <summary>web.debug.config holds the secret, so git tracking it is worth a warning.</summary>
public sealed class GitTrackingTests : IDisposable
{
    private const string TrackedByGit = "PTVSD1002";

    private readonly ProjectFolder _project = new();

    public void Dispose() => _project.Dispose();

    [Fact]
    public void A_transform_that_git_tracks_is_warned_about()
    {
        Git("init", "--quiet");
        Assert.True(_project.Prepare(checkGitTracking: true).Succeeded);
        Git("add", ProjectFolder.TransformFileName);

        var run = _project.Prepare(checkGitTracking: true);

        var warning = Assert.Single(run.Log.Warnings);
        Assert.Equal(TrackedByGit, warning.Code);
        Assert.Equal(_project.TransformFile, warning.File);
    }

    [Fact]
    public void An_untracked_transform_in_a_repository_is_not_warned_about()
    {
        Git("init", "--quiet");

        var run = _project.Prepare(checkGitTracking: true);

        Assert.Empty(run.Log.Warnings);
    }

    [Fact]
    public void A_transform_outside_any_repository_is_not_warned_about()
    {
        Assert.NotEqual(0, Command.Run(_project.Path, "git", "rev-parse", "--git-dir").ExitCode);

        var run = _project.Prepare(checkGitTracking: true);

        Assert.True(run.Succeeded);
        Assert.Empty(run.Log.Warnings);
    }

    private void Git(params string[] arguments) => Command.Succeeds(_project.Path, "git", arguments);
}
