// Import page: polls the progress URL until the background import ends, then reloads (a file, for the CSP).
(function () {
    var box = document.getElementById("import-progress");
    function poll() {
        fetch(box.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
            if (!data.running) { window.location.reload(); return; }
            box.querySelector("[data-progress=bar]").value = data.percent || 0;
            box.querySelector("[data-progress=rows]").textContent = data.rows;
            box.querySelector("[data-progress=status]").textContent = data.status_display;
            setTimeout(poll, 1500);
        }).catch(function () { setTimeout(poll, 5000); });
    }
    setTimeout(poll, 1000);
})();
