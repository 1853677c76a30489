@testable import Gateway
import Testing

/// The console's templates escape every value, and its charts are drawn from the figures alone.
@Suite struct ConsoleRenderingTests {
    let pages = ConsolePages.shared

    func layout(_ values: [String: Any]) -> [String: Any] {
        var all: [String: Any] = ["title": "T", "area": "console", "base": "/console", "signed_in": true, "csrf": "c", "may_write": true,
                                  "nav": [["href": "/console/", "label": "Overview", "current": true] as [String: Any]]]
        all.merge(values) { _, new in new }
        return all
    }

    @Test func aTenantNamedLikeMarkupIsShownAsTextInTheListAndOnItsPage() {
        let hostile = "<img src=x onerror=alert(1)>"
        let list = pages.html("tenants", layout(["tenants": [["id": "1", "name": hostile, "status": "active", "credits": "0.00 USD",
                                                              "charged": "0", "reserved": "0", "available": "0"]]]))
        #expect(list.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(!list.contains("<img"))
        let page = pages.html("tenant", layout(["title": hostile, "tenant": ["id": "1", "name": "<script>alert(1)</script>", "keys": [] as [Any]] as [String: Any]]))
        #expect(page.contains("<title>&lt;img src=x onerror=alert(1)&gt; · omnimeter console</title>"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!page.contains("<script"))
        #expect(!page.contains("<img"))
    }

    @Test func quotesInValuesCannotLeaveTheirAttribute() {
        let page = pages.html("tenant", layout(["tenant": ["id": "1", "name": "\" autofocus onfocus=\"alert(1)", "keys": [] as [Any]] as [String: Any]]))
        #expect(page.contains("value=\"&quot; autofocus onfocus=&quot;alert(1)\""))
        #expect(!page.contains("onfocus=\"alert"))
    }

    @Test func everyTemplateRendersWithItsLayoutAndTheFinanceRoleSeesNoWriteControl() {
        for template in ConsolePages.templates.map(\.name) where template != "layout" {
            let html = pages.html(template, layout(["may_write": false, "tenant": ["id": "1", "name": "n", "keys": [["id": "k", "name": "key", "revocable": true] as [String: Any]]] as [String: Any]]))
            #expect(html.hasPrefix("<!doctype html>"), "\(template)")
            #expect(html.contains("</html>"), "\(template)")
            // the sign-out form is the only form that posts
            if template != "login" {
                #expect(html.components(separatedBy: "method=\"post\"").count - 1 == 1, "\(template)")
            }
        }
    }

    @Test func aChartShowsEachValueAndTheAxisAmounts() {
        let svg = SVGChart.bars([ChartPoint(label: "11-01", value: 1_500_000), ChartPoint(label: "11-02", value: 3_000_000)],
                                title: "Charged", format: MoneyText.text)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>"))
        #expect(svg.contains("<title>11-01: 1.50</title>"))
        #expect(svg.contains("<title>11-02: 3.00</title>"))
        #expect(svg.contains(">3.00</text>"))   // the top of the axis and the value of the taller bar
        #expect(svg.contains(">0.00</text>"))   // the zero line
        #expect(svg.contains(">11-01</text>") && svg.contains(">11-02</text>"))
        // the taller bar is twice the height of the other: plot height 190, so 95 and 190
        #expect(svg.contains("height=\"95\"><title>11-01"))
        #expect(svg.contains("height=\"190\"><title>11-02"))
    }

    @Test func aChartOfNothingSaysSo() {
        let svg = SVGChart.bars([], title: "Charged", format: MoneyText.text)
        #expect(svg.contains(">no data</text>"))
        #expect(!svg.contains("class=\"bar"))
    }

    @Test func daysWithNothingSitOnAZeroLineAtTheBottom() {
        let svg = SVGChart.bars([ChartPoint(label: "a", value: 0), ChartPoint(label: "b", value: 0)], title: "Charged", format: MoneyText.text)
        #expect(svg.contains("y1=\"214\" x2=\"748\" y2=\"214\""))  // top 24 + plot 190
        #expect(svg.contains(">0.00</text>"))
        #expect(!svg.contains("class=\"value\""))
    }

    @Test func aChartOfOneDayDrawsOneFullHeightBar() {
        let svg = SVGChart.bars([ChartPoint(label: "12-01", value: 84_000)], title: "Charged", format: MoneyText.text)
        #expect(svg.components(separatedBy: "<rect class=\"bar\"").count == 2)
        #expect(svg.contains("height=\"190\"><title>12-01: 0.084</title>"))
        #expect(svg.contains(">12-01</text>"))
    }

    @Test func aNegativeAdjustmentDrawsBelowTheZeroLineWithItsAmount() {
        let svg = SVGChart.bars([ChartPoint(label: "a", value: 2_000_000), ChartPoint(label: "b", value: -2_000_000)],
                                title: "Net", format: MoneyText.text)
        #expect(svg.contains("<rect class=\"bar negative\""))
        #expect(svg.contains(">-2.00</text>"))
        #expect(svg.contains("<title>b: -2.00</title>"))
        // zero sits half way down the 190-high plot (top 24): y = 119, both bars 95 high
        #expect(svg.contains("y1=\"119\" x2=\"748\" y2=\"119\""))
        #expect(svg.contains("y=\"119\" width=\"234.5\" height=\"95\"><title>b"))
    }

    @Test func chartLabelsAreEscaped() {
        let svg = SVGChart.bars([ChartPoint(label: "<script>x</script>&", value: 1)], title: "a \"b\"", format: MoneyText.text)
        #expect(!svg.contains("<script"))
        #expect(svg.contains("&lt;script&gt;x&lt;/script&gt;&amp;"))
        #expect(svg.contains("aria-label=\"a &quot;b&quot;\""))
    }

    @Test func amountsForPeopleKeepEveryMicro() {
        #expect(MoneyText.text(0) == "0.00")
        #expect(MoneyText.text(1_500_000) == "1.50")
        #expect(MoneyText.text(84_000) == "0.084")
        #expect(MoneyText.text(1) == "0.000001")
        #expect(MoneyText.text(-3_000_000) == "-3.00")
    }

    @Test func formsDecodePlusesAndPercentsAndKeepRepeatedFields() {
        let form = ConsoleForm.parse("name=a+b%26c&allowed_models=kling-image-o1&allowed_models=kling-v3-omni&empty=")
        #expect(form.value("name") == "a b&c")
        #expect(form.fields["allowed_models"] == ["kling-image-o1", "kling-v3-omni"])
        #expect(form.value("empty") == nil)
    }
}
