import { registry } from "@web/core/registry";

// A buyer rates the supplier of a confirmed order: four stars for service, then saves.
registry.category("web_tour.tours").add("supplier_evaluation_rating_stars_tour", {
    steps: () => [
        {
            content: "Rate the supplier from the order",
            trigger: "button[name=action_rate_supplier]",
            run: "click",
        },
        {
            content: "Four stars for service",
            trigger: ".modal div[name=service_stars] a.o_priority_star:nth-of-type(4)",
            run: "click",
        },
        {
            content: "The four stars are lit",
            trigger: ".modal div[name=service_stars] a.o_priority_star.fa-star:nth-of-type(4)",
        },
        {
            content: "Save the rating",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The order's Ratings button counts it",
            trigger: "body:not(:has(.modal)) button[name=action_view_supplier_ratings]:contains(1)",
        },
    ],
});
