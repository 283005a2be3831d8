using System.Xml;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Ptvsd.Build.Tasks;

/// <summary>
/// Makes web.debug.config ready for a Debug publish: writes it fresh with a new secret while it is the SDK's
/// (marker comment at its top, or no file), or takes the user's own file as is; and says which secret and
/// app command the publish goes on with.
/// </summary>
public sealed class PrepareDebugTransform : Task
{
    /// <summary>The proxy refuses shorter secrets (Ptvsd.WebSocketProxy's DebugSecret), so such a file cannot work.</summary>
    internal const int MinimumSecretLength = Ptvsd.Contract.ProxyContract.MinimumSecretLength;

    /// <summary>web.debug.config beside the project.</summary>
    [Required]
    public string TransformFile { get; set; } = "";

    /// <summary>The project's web.config; it need not exist.</summary>
    public string? WebConfigFile { get; set; }

    /// <summary>The app command to put behind the proxy; empty means HttpPlatformHandler's in web.config, else <see cref="DefaultAppCommand"/>.</summary>
    public string? AppCommand { get; set; }

    /// <summary>The app command when neither <see cref="AppCommand"/> nor web.config names one.</summary>
    public string DefaultAppCommand { get; set; } = "python app.py";

    /// <summary>Warn when git tracks the transform (it holds the secret).</summary>
    public bool CheckGitTracking { get; set; } = true;

    /// <summary>The secret the published web.config will carry; empty when the proxy is disabled.</summary>
    [Output]
    public string Secret { get; private set; } = "";

    /// <summary>False when a user-owned transform no longer starts the proxy or sets the secret.</summary>
    [Output]
    public bool ProxyEnabled { get; private set; }

    /// <summary>The app command the proxy starts (with <c>{port}</c> for the internal port where the app takes one).</summary>
    [Output]
    public string ResolvedAppCommand { get; private set; } = "";

    /// <summary>
    /// Where <see cref="ResolvedAppCommand"/> came from: <c>PtvsdAppCommand</c>, <c>web.config</c> or
    /// <c>web.debug.config</c>; empty when it is <see cref="DefaultAppCommand"/>, which nothing in the project chose.
    /// </summary>
    [Output]
    public string AppCommandOrigin { get; private set; } = "";

    public override bool Execute()
    {
        WebConfigFacts webConfig;
        try
        {
            webConfig = string.IsNullOrEmpty(WebConfigFile) ? WebConfigFacts.None : WebConfigFacts.Read(WebConfigFile!);
        }
        catch (XmlException e)
        {
            Log.NotWellFormed(Diagnostics.MalformedWebConfig, WebConfigFile!, e);
            return false;
        }

        if (webConfig.UsesFastCgi)
        {
            Log.FastCgi(WebConfigFile!);
        }

        if (webConfig.DisablesWebSockets)
        {
            Log.WebSocketsTurnedOff(WebConfigFile!);
        }

        DebugTransformFile existing;
        try
        {
            existing = DebugTransformFile.Inspect(TransformFile);
        }
        catch (XmlException e)
        {
            Log.NotWellFormed(Diagnostics.MalformedTransform, TransformFile, e);
            return false;
        }

        var appCommand = ProxyLaunch.WithInternalPort(NonEmpty(AppCommand) ?? webConfig.AppCommand ?? DefaultAppCommand);
        AppCommandOrigin = NonEmpty(AppCommand) is not null ? "PtvsdAppCommand" : webConfig.AppCommand is not null ? "web.config" : "";
        if (existing.Ownership == TransformOwnership.User)
        {
            TakeUserTransform(existing, appCommand);
        }
        else
        {
            Secret = SecretGenerator.NewSecret();
            ProxyEnabled = true;
            ResolvedAppCommand = appCommand;
            AtomicFile.WriteAllText(TransformFile, DebugTransformDocument.Render(Secret, webConfig.UsesFastCgi ? null : appCommand));
            Log.LogMessage(MessageImportance.Normal, "Ptvsd: wrote {0} with a new {1}.", TransformFile, DebugTransformDocument.SecretSettingName);
        }

        WarnIfTrackedByGit();
        return !Log.HasLoggedErrors;
    }

    private void TakeUserTransform(DebugTransformFile existing, string appCommand)
    {
        Log.LogMessage(MessageImportance.Normal, "Ptvsd: {0} has no generated-file marker, so it is used as is.", TransformFile);
        var missing = existing.Secret is null
            ? $"sets no {DebugTransformDocument.SecretSettingName} app setting"
            : existing.Secret.Length < MinimumSecretLength
                ? $"sets a {DebugTransformDocument.SecretSettingName} shorter than {MinimumSecretLength} characters, which the proxy refuses"
                : !existing.StartsProxy
                    ? "no longer makes HttpPlatformHandler start ptvsd\\Ptvsd.WebSocketProxy.dll"
                    : null;
        if (missing is not null)
        {
            Log.ProxyDisabled(TransformFile, missing);
            return;
        }

        Secret = existing.Secret!;
        ProxyEnabled = true;
        ResolvedAppCommand = existing.AppCommand ?? appCommand;
        AppCommandOrigin = existing.AppCommand is not null ? "web.debug.config" : AppCommandOrigin;
    }

    private void WarnIfTrackedByGit()
    {
        if (!CheckGitTracking || !System.IO.File.Exists(TransformFile))
        {
            return;
        }

        if (GitTracking.IsTracked(TransformFile, out var unknownBecause))
        {
            Log.TrackedByGit(TransformFile);
        }
        else if (unknownBecause is not null)
        {
            Log.LogMessage(MessageImportance.Low, "Ptvsd: could not ask git whether {0} is tracked: {1}", TransformFile, unknownBecause);
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
}
