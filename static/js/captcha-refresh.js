// With scripts, "Show another picture" fetches a new challenge in place instead of sending the
// form back; without them (or if the request fails) the button submits the form as usual.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest(".captcha-refresh");
  if (!button) return;
  var challenge = button.closest(".captcha-challenge");
  var field = challenge && challenge.parentNode;
  var key = field && field.querySelector("input[type=hidden][name$='_0']");
  if (!key || !window.fetch) return;
  event.preventDefault();
  fetch(challenge.getAttribute("data-refresh-url"), { headers: { "X-Requested-With": "XMLHttpRequest" } })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(function (data) {
      key.value = data.key;
      challenge.querySelector("img.captcha").src = data.image_url;
      var audio = challenge.querySelector(".captcha-audio");
      if (audio && data.audio_url) audio.href = data.audio_url;
      var answer = field.querySelector("input[type=text]");
      if (answer) {
        answer.value = "";
        answer.focus();
      }
    })
    .catch(function () {
      button.form.requestSubmit(button);
    });
});
