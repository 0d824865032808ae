import { registry } from "@web/core/registry";

const IMPACT = "div[name=supplier_impact_threshold] input";
const RISK = "div[name=supplier_risk_threshold] input";

function expectValue(selector, expected) {
    const value = document.querySelector(selector).value;
    if (value !== expected) {
        throw new Error(`${selector} shows "${value}", expected "${expected}"`);
    }
}

// The Kraljic thresholds read and take percent: 10 % stored as 0.1 shows "10", typing 5
// stores 0.05 (the test reads the company afterwards).
registry.category("web_tour.tours").add("supplier_evaluation_settings_percent_tour", {
    steps: () => [
        {
            content: "The thresholds show in percent",
            trigger: IMPACT,
            run() {
                expectValue(IMPACT, "10");
                expectValue(RISK, "50");
                // Marks this page: the step after saving waits for the reloaded one.
                document.body.dataset.beforeSave = "1";
            },
        },
        {
            content: "High profit impact from 5 %",
            trigger: IMPACT,
            run: "edit 5",
        },
        {
            content: "Save the settings",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The settings page reloads with 5 %",
            trigger: `body:not([data-before-save]) ${IMPACT}`,
            run() {
                expectValue(IMPACT, "5");
            },
        },
    ],
});
