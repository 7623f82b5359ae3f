// The page's only script besides Blazor's: download links for documents made in the page, and dropping a file on the
// drop zone (it hands the file to the file input, as choosing it would). Nothing here sends anything anywhere.
window.infofield = {
    objectUrl: function (text, type) {
        return URL.createObjectURL(new Blob([text], { type: type }));
    },
    revoke: function (url) {
        URL.revokeObjectURL(url);
    },
    dropZone: function (zone, input) {
        zone.addEventListener('dragover', function (event) {
            event.preventDefault();
            zone.classList.add('over');
        });
        zone.addEventListener('dragleave', function () {
            zone.classList.remove('over');
        });
        zone.addEventListener('drop', function (event) {
            event.preventDefault();
            zone.classList.remove('over');
            if (event.dataTransfer && event.dataTransfer.files.length > 0) {
                var files = new DataTransfer();
                files.items.add(event.dataTransfer.files[0]);
                input.files = files.files;
                input.dispatchEvent(new Event('change', { bubbles: true }));
            }
        });
    }
};
