namespace Ptvsd.Attach.Site;

/// <summary>The site could not be reached or refused us; <see cref="Diagnosis"/> says why in the user's terms.</summary>
internal sealed class SiteException(Diagnosis diagnosis) : Exception(diagnosis.Problem)
{
    public Diagnosis Diagnosis { get; } = diagnosis;
}
