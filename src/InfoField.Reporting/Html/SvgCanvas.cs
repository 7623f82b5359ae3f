using System.Globalization;
using System.Net;
using System.Text;

namespace InfoField.Reporting.Html;

/// <summary>
/// A tiny SVG writer: shapes with presentation attributes (no stylesheet), so every chart is self-contained both
/// inline in the HTML page and as a standalone .svg file.
/// </summary>
internal sealed class SvgCanvas(string id, string title, double width, double height)
{
    public const string Font = "font-family=\"Helvetica, Arial, sans-serif\"";

    private readonly StringBuilder _body = new();

    public double Width { get; } = width;

    public double Height { get; } = height;

    public void Rect(double x, double y, double w, double h, string fill, string? stroke = null, string? tooltip = null, string? cssClass = null, double opacity = 1)
    {
        _body.Append(CultureInfo.InvariantCulture, $"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(Math.Max(w, 0))}\" height=\"{N(Math.Max(h, 0))}\" fill=\"{fill}\"");
        if (stroke is not null)
        {
            _body.Append(CultureInfo.InvariantCulture, $" stroke=\"{stroke}\" stroke-width=\"1\"");
        }

        if (opacity < 1)
        {
            _body.Append(CultureInfo.InvariantCulture, $" fill-opacity=\"{N(opacity)}\"");
        }

        if (cssClass is not null)
        {
            _body.Append(CultureInfo.InvariantCulture, $" class=\"{cssClass}\"");
        }

        _body.Append(tooltip is null ? "/>" : $"><title>{Escape(tooltip)}</title></rect>");
    }

    public void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, bool dashed = false, string? cssClass = null)
    {
        _body.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" stroke=\"{stroke}\" stroke-width=\"{N(width)}\"");
        if (dashed)
        {
            _body.Append(" stroke-dasharray=\"5 3\"");
        }

        _body.Append(cssClass is null ? "/>" : $" class=\"{cssClass}\"/>");
    }

    public void Curve(double x1, double y1, double cx, double cy, double x2, double y2, string stroke, string? cssClass = null) =>
        _body.Append(CultureInfo.InvariantCulture, $"<path d=\"M {N(x1)} {N(y1)} Q {N(cx)} {N(cy)} {N(x2)} {N(y2)}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"1\"{(cssClass is null ? "" : $" class=\"{cssClass}\"")}/>");

    public void Circle(double x, double y, double r, string fill, string? tooltip = null)
    {
        _body.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{N(x)}\" cy=\"{N(y)}\" r=\"{N(r)}\" fill=\"{fill}\"");
        _body.Append(tooltip is null ? "/>" : $"><title>{Escape(tooltip)}</title></circle>");
    }

    public void Text(double x, double y, string text, double size = 11, string anchor = "start", string fill = "#222", bool bold = false, string? cssClass = null)
    {
        _body.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(x)}\" y=\"{N(y)}\" {Font} font-size=\"{N(size)}\" text-anchor=\"{anchor}\" fill=\"{fill}\"");
        if (bold)
        {
            _body.Append(" font-weight=\"bold\"");
        }

        if (cssClass is not null)
        {
            _body.Append(CultureInfo.InvariantCulture, $" class=\"{cssClass}\"");
        }

        _body.Append('>').Append(Escape(text)).Append("</text>");
    }

    public void Cross(double x, double y, double size, string stroke)
    {
        Line(x - size, y - size, x + size, y + size, stroke, 2);
        Line(x - size, y + size, x + size, y - size, stroke, 2);
    }

    public string Render() =>
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" class=\"chart\" width=\"{N(Width)}\" height=\"{N(Height)}\" viewBox=\"0 0 {N(Width)} {N(Height)}\" shape-rendering=\"crispEdges\" role=\"img\" aria-labelledby=\"{id}-title\">"
        + $"<title id=\"{id}-title\">{Escape(title)}</title><rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>{_body}</svg>";

    public static string Escape(string text) => WebUtility.HtmlEncode(Printable.Text(text));

    public static string N(double value) => Math.Round(value, 2).ToString(CultureInfo.InvariantCulture);
}

/// <summary>One chart of a report: an id (also its file name with <c>--format svg</c>), a caption, and the SVG.</summary>
/// <param name="Id">A stable id, e.g. <c>stage-3-field</c>.</param>
/// <param name="Caption">What the chart shows.</param>
/// <param name="Svg">The standalone SVG element.</param>
public sealed record Chart(string Id, string Caption, string Svg);
