"use strict";
// A job's customer follows its car: picking a car fills the customer with the car's owner when none is chosen.
// The owner is found through the customer field's own autocomplete (a customer search by plate finds the owner).
// Another customer stays possible: the form then asks « Le véhicule appartient à un autre client : je confirme ».
window.addEventListener("load", function () {
  const $ = window.django && window.django.jQuery;
  if (!$) {
    return;
  }
  const car = $("#id_car");
  const customer = $("#id_customer");
  if (!car.length || !customer.length || !customer.attr("data-ajax--url")) {
    return;
  }
  car.on("change", function () {
    if (customer.val()) {
      return;
    }
    const plate = (car.find("option:selected").text() || "").split(" · ")[0].trim();
    if (!plate) {
      return;
    }
    const query = new URLSearchParams({
      term: plate,
      app_label: customer.attr("data-app-label"),
      model_name: customer.attr("data-model-name"),
      field_name: customer.attr("data-field-name"),
    });
    fetch(customer.attr("data-ajax--url") + "?" + query, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || data.results.length !== 1 || customer.val()) {
          return;
        }
        const owner = data.results[0];
        customer.append(new Option(owner.text, owner.id, true, true)).trigger("change");
      });
  });
});
