import { registry } from "@web/core/registry";
import { chooseFile } from "@supplier_evaluation/../tests/tours/tour_utils";

// A Windows program ("MZ" header) renamed to .pdf: the upload policy refuses it.
const EXE = [0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, ...new Array(56).fill(0)];
const CAUSE = "Label printer ran out of ribbon";
const PLAN = "Spare ribbons at every packing station";

registry.category("web_tour.tours").add("supplier_evaluation_corrective_action_retry_tour", {
    url: "/my/corrective_actions",
    steps: () => [
        {
            content: "Open the request",
            trigger: ".o_portal_my_doc_table a[href^='/my/corrective_actions/']",
            run: "click",
        },
        {
            content: "Type the root cause",
            trigger: "textarea[name=root_cause]",
            run: `edit ${CAUSE}`,
        },
        {
            content: "Type the action plan",
            trigger: "textarea[name=action_plan]",
            run: `edit ${PLAN}`,
        },
        {
            content: "Give the completion date",
            trigger: "input[name=committed_date]",
            run() {
                const input = document.querySelector("input[name=committed_date]");
                input.value = "2026-12-20";
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Attach a program disguised as a PDF",
            trigger: "input[name=evidence]",
            run: () => chooseFile("input[name=evidence]", "report.pdf", "application/pdf", EXE),
        },
        {
            content: "Send the answer",
            trigger: ".o_corrective_action_submit",
            run: "click",
        },
        {
            content: "The file is refused",
            trigger: ".o_upload_error:contains('This kind of file is not accepted here.')",
        },
        {
            content: "The typed root cause is still there",
            trigger: "textarea[name=root_cause]",
            run() {
                const cause = document.querySelector("textarea[name=root_cause]").value;
                const plan = document.querySelector("textarea[name=action_plan]").value;
                const date = document.querySelector("input[name=committed_date]").value;
                if (cause !== CAUSE || plan !== PLAN || date !== "2026-12-20") {
                    throw new Error(`typed answer lost: ${JSON.stringify([cause, plan, date])}`);
                }
            },
        },
    ],
});
