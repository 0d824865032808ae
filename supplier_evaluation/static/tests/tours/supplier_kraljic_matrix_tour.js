import { registry } from "@web/core/registry";

const QUADRANTS = ["Strategic", "Leverage", "Bottleneck", "Routine"];

/** The kanban column titled ``title`` and its box on the screen. */
function quadrant(title) {
    const group = [...document.querySelectorAll(".o_kanban_group")].find(
        (el) => el.querySelector(".o_column_title")?.textContent.trim() === title
    );
    if (!group) {
        throw new Error(`no column ${title}`);
    }
    return { group, box: group.getBoundingClientRect() };
}

function check(condition, message) {
    if (!condition) {
        throw new Error(message);
    }
}

registry.category("web_tour.tours").add("supplier_evaluation_kraljic_matrix_tour", {
    steps: () => [
        {
            content: "The four suppliers are in the matrix",
            trigger: ".o_kanban_record:contains(Matrix Routine)",
            run() {
                const q = Object.fromEntries(QUADRANTS.map((title) => [title, quadrant(title)]));
                for (const title of QUADRANTS) {
                    check(
                        q[title].group.textContent.includes(`Matrix ${title}`),
                        `${title} does not show Matrix ${title}`
                    );
                }
                const { Strategic: s, Leverage: l, Bottleneck: b, Routine: r } = q;
                check(l.box.right <= s.box.left, "Leverage is not left of Strategic");
                check(Math.abs(l.box.top - s.box.top) < 2, "Leverage and Strategic are not on one row");
                check(l.box.bottom <= r.box.top, "Leverage is not above Routine");
                check(Math.abs(l.box.left - r.box.left) < 2, "Leverage and Routine are not in one column");
                check(r.box.right <= b.box.left, "Bottleneck is not right of Routine");
                check(s.box.bottom <= b.box.top, "Strategic is not above Bottleneck");

                const impact = document.querySelector(".o_kraljic_axis_impact");
                const risk = document.querySelector(".o_kraljic_axis_risk");
                check(impact?.textContent.includes("Profit impact"), "no profit impact caption");
                check(risk?.textContent.includes("Supply risk"), "no supply risk caption");
                const box = (axis, end) => axis.querySelector(`.o_kraljic_axis_${end}`).getBoundingClientRect();
                check(impact.getBoundingClientRect().right <= l.box.left, "profit impact is not left of the grid");
                check(box(impact, "high").bottom <= box(impact, "low").top, "profit impact: high is not above low");
                check(risk.getBoundingClientRect().top >= r.box.bottom, "supply risk is not under the grid");
                check(box(risk, "low").right <= box(risk, "high").left, "supply risk: low is not left of high");

                const none = quadrant("None");
                check(none.group.textContent.includes("Matrix Unclassified"), "None does not show Matrix Unclassified");
                check(none.box.top >= risk.getBoundingClientRect().bottom, "the unclassified are not under the grid");
            },
        },
    ],
});
