import { registry } from "@web/core/registry";

// A candidate's contact, logged in to the portal: sees where its qualification stands,
// answers the onboarding questionnaire, and finds it answered.
registry.category("web_tour.tours").add("supplier_evaluation_onboarding_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open the qualification from the portal home",
            trigger: "a[href='/my/qualification']",
            run: "click",
        },
        {
            content: "The state and the missing certificate are shown",
            trigger: ".o_supplier_qualification_state:contains('Under evaluation')",
        },
        {
            trigger: ".o_supplier_qualification_missing:contains('ISO 9001')",
        },
        {
            content: "Open the questionnaire",
            trigger: "a.o_supplier_questionnaire_link",
            run: "click",
        },
        {
            content: "Start it",
            trigger: "button.btn:contains('Start')",
            run: "click",
        },
        {
            content: "Answer: a certified quality system",
            trigger: "div.js_question-wrapper:contains('quality system') label:contains('ISO 9001 certified')",
            run: "click",
        },
        {
            content: "Submit",
            trigger: "button[type='submit'][value='finish']:not(.disabled)",
            run: "click",
        },
        {
            content: "The questionnaire is done",
            trigger: ".o_survey_finished",
        },
        {
            content: "Back to the qualification: answered, nothing to answer any more",
            trigger: "body",
            run: "goToUrl /my/qualification",
        },
        {
            trigger: ".o_supplier_qualification_state:contains('Answered')",
        },
        {
            trigger: ".o_portal_supplier_qualification:not(:has(a.o_supplier_questionnaire_link))",
        },
    ],
});
