import { registry } from "@web/core/registry";
import { chooseFile } from "@supplier_evaluation/../tests/tours/tour_utils";

const PDF = [...new TextEncoder().encode("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(32).fill(0)];

registry.category("web_tour.tours").add("supplier_evaluation_portal_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open my scorecards from the portal home",
            trigger: "a[href='/my/scorecards']",
            run: "click",
        },
        {
            content: "Open the latest scorecard",
            trigger: ".o_portal_my_doc_table a[href^='/my/scorecards/']",
            run: "click",
        },
        {
            content: "The total score and the criteria are shown",
            trigger: ".o_scorecard_total:contains('25.0')",
        },
        {
            trigger: ".o_scorecard_criteria td:contains('On-time delivery')",
        },
        {
            content: "Go to my corrective actions",
            trigger: "body",
            run: "goToUrl /my/corrective_actions",
        },
        {
            content: "Open the request",
            trigger: ".o_portal_my_doc_table a[href^='/my/corrective_actions/']",
            run: "click",
        },
        {
            content: "Give the root cause",
            trigger: "textarea[name=root_cause]",
            run: "edit Packing line breakdown",
        },
        {
            content: "Give the action plan",
            trigger: "textarea[name=action_plan]",
            run: "edit Second packing line from next week",
        },
        {
            content: "Attach evidence",
            trigger: "input[name=evidence]",
            run: () => chooseFile("input[name=evidence]", "maintenance-report.pdf", "application/pdf", PDF),
        },
        {
            content: "Send the answer",
            trigger: ".o_corrective_action_submit",
            run: "click",
        },
        {
            content: "The answer is recorded with its evidence",
            trigger: ".o_corrective_action a:contains('maintenance-report.pdf')",
        },
        {
            content: "Go to the purchase order",
            trigger: "body",
            run: "goToUrl /my/purchase",
        },
        {
            content: "Open the order",
            trigger: "a[href^='/my/purchase/']:not([href='/my/purchase'])",
            run: "click",
        },
        {
            content: "Choose progress photo",
            trigger: "#supplier_document_kind",
            run: "select progress_photo",
        },
        {
            content: "Choose the photo",
            trigger: "#supplier_document_file",
            run: () => chooseFile("#supplier_document_file", "progress.png", "image/png", PNG),
        },
        {
            content: "Upload it",
            trigger: ".o_supplier_document_submit",
            run: "click",
        },
        {
            content: "The photo is listed on the order",
            trigger: ".o_supplier_documents a:contains('progress.png')",
        },
    ],
});
