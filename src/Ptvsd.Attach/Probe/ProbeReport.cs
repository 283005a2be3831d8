using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ptvsd.Attach.Site;
using Ptvsd.Attach.Target;
using Ptvsd.Contract;

namespace Ptvsd.Attach.Probe;

internal enum ProbeOutcome
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>One check's result: what was seen when it passed, the diagnosis when it failed.</summary>
internal sealed record ProbeResult(ProbeCheck Check, ProbeOutcome Outcome, string? Detail, Diagnosis? Diagnosis);

/// <summary>
/// The results of one probe, in check order, and their two renderings: one line per check for a person, JSON for
/// a script. The first failure ends the probe; the checks after it are reported as not run.
/// </summary>
internal sealed class ProbeReport(AttachUri target)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly List<ProbeResult> _results = [];

    public IReadOnlyList<ProbeResult> Results => _results;

    public bool Passed => _results.Count == ProbeCheck.All.Count && _results.All(r => r.Outcome == ProbeOutcome.Passed);

    public void Pass(ProbeCheck check, string detail) => _results.Add(new(check, ProbeOutcome.Passed, detail, null));

    /// <summary>Records the failure and marks every later check as not run; returns the report, which is complete.</summary>
    public ProbeReport Fail(ProbeCheck check, Diagnosis diagnosis)
    {
        _results.Add(new(check, ProbeOutcome.Failed, null, diagnosis));
        foreach (var later in ProbeCheck.All.SkipWhile(c => c != check).Skip(1))
        {
            _results.Add(new(later, ProbeOutcome.Skipped, null, null));
        }

        return this;
    }

    public void WriteText(TextWriter output)
    {
        output.WriteLine($"Probing {target.Display}");
        foreach (var result in _results)
        {
            output.WriteLine(result.Outcome switch
            {
                ProbeOutcome.Passed => $"✓ {result.Check.Title}: {result.Detail}",
                ProbeOutcome.Failed => $"✗ {result.Check.Title}: {result.Diagnosis}",
                _ => $"- {result.Check.Title}: not checked (needs the check above)",
            });
        }

        output.WriteLine(Passed
            ? $"All {ProbeCheck.All.Count} checks passed: `ptvsd attach {target.Display}` should work."
            : "Attaching will fail until the ✗ above is fixed.");
    }

    public void WriteJson(TextWriter output)
    {
        var checks = new JsonArray();
        foreach (var result in _results)
        {
            var check = new JsonObject
            {
                ["id"] = result.Check.Id,
                ["title"] = result.Check.Title,
                ["status"] = result.Outcome.ToString().ToLowerInvariant(),
            };
            if (result.Detail is not null)
            {
                check["detail"] = result.Detail;
            }

            if (result.Diagnosis is { } diagnosis)
            {
                check["problem"] = diagnosis.Problem;
                check["cause"] = diagnosis.Cause;
                check["fix"] = diagnosis.Fix;
            }

            checks.Add(check);
        }

        var report = new JsonObject
        {
            ["uri"] = target.Display,
            ["passed"] = Passed,
            ["checks"] = checks,
        };
        output.WriteLine(report.ToJsonString(Json));
    }
}
