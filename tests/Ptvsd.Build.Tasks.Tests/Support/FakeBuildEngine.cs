using System.Collections;
using Microsoft.Build.Framework;

namespace Ptvsd.Build.Tasks.Tests.Support;

/// <summary>An error or warning as a task reported it.</summary>
internal sealed record LoggedDiagnostic(string? Code, string? File, int Line, string Message);

/// <summary>A task after <see cref="FakeBuildEngine.Run{T}"/>: what it returned and what it logged.</summary>
internal sealed record TaskRun<T>(T Task, bool Succeeded, FakeBuildEngine Log)
    where T : ITask;

/// <summary>Stands in for MSBuild so a task can run in-process; keeps everything the task logs.</summary>
internal sealed class FakeBuildEngine : IBuildEngine
{
    public List<LoggedDiagnostic> Errors { get; } = [];

    public List<LoggedDiagnostic> Warnings { get; } = [];

    public List<string> Messages { get; } = [];

    public bool ContinueOnError => false;

    public int LineNumberOfTaskNode => 0;

    public int ColumnNumberOfTaskNode => 0;

    public string ProjectFileOfTaskNode => "test.proj";

    /// <summary>Runs <paramref name="task"/> on a new engine.</summary>
    public static TaskRun<T> Run<T>(T task)
        where T : ITask
    {
        var engine = new FakeBuildEngine();
        task.BuildEngine = engine;
        return new TaskRun<T>(task, task.Execute(), engine);
    }

    public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(new(e.Code, e.File, e.LineNumber, e.Message ?? ""));

    public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Add(new(e.Code, e.File, e.LineNumber, e.Message ?? ""));

    public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e.Message ?? "");

    public void LogCustomEvent(CustomBuildEventArgs e) => Messages.Add(e.Message ?? "");

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) =>
        throw new NotSupportedException("The SDK's tasks build no projects.");
}
