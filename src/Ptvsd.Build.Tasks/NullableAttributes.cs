#if NETSTANDARD2_0
namespace System.Diagnostics.CodeAnalysis;

// netstandard2.0 lacks the nullable-analysis attributes that the linked contract sources (src/Shared) use; the
// compiler honours a declaration of its own.
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
internal sealed class NotNullWhenAttribute(bool returnValue) : Attribute
{
    public bool ReturnValue { get; } = returnValue;
}
#endif
