// Product grid and a cart counter, just so the shop looks like a shop.
(function () {
  var products = [
    { name: 'Burr grinder', price: '€129', colors: ['#c9b29b', '#8a6d52'] },
    { name: 'Gooseneck kettle', price: '€79', colors: ['#b8c4cc', '#52606d'] },
    { name: 'Pour-over set', price: '€45', colors: ['#f2d4c4', '#d98f6f'] },
    { name: 'Single-origin beans', price: '€16', colors: ['#9c7a5b', '#4a3424'] },
  ];
  var grid = document.getElementById('products');
  var cart = document.getElementById('cart');
  var count = 0;
  if (!grid) return;
  products.forEach(function (p) {
    var card = document.createElement('article');
    card.className = 'card';
    var thumb = document.createElement('div');
    thumb.className = 'thumb';
    thumb.style.background = 'linear-gradient(135deg,' + p.colors[0] + ',' + p.colors[1] + ')';
    var h = document.createElement('h3');
    h.textContent = p.name;
    var price = document.createElement('div');
    price.className = 'price';
    price.textContent = p.price;
    var add = document.createElement('button');
    add.className = 'btn secondary';
    add.textContent = 'Add to cart';
    add.addEventListener('click', function () {
      count++;
      if (cart) cart.textContent = 'Cart (' + count + ')';
    });
    card.append(thumb, h, price, add);
    grid.appendChild(card);
  });
})();
