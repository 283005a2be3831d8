using System.Globalization;
using System.IO;
using System.Text;

namespace Ptvsd.Build.Tasks;

/// <summary>A string writer that declares UTF-8, the encoding its text is saved in, so XML written through it says so.</summary>
internal sealed class Utf8StringWriter(StringBuilder builder) : StringWriter(builder, CultureInfo.InvariantCulture)
{
    public override Encoding Encoding => new UTF8Encoding(false);
}
